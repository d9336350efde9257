"""Antworten erfassen: finding the e-mail, recording one answer per request, refusals, outages."""

from __future__ import annotations

import json

import pytest
import requests
from support.console import url

from communication_service.api.schemas.emails import EmailRead, EmailSummary
from communication_service.api.schemas.responses import ResponseCreate, ResponseRead

pytestmark = pytest.mark.integration

EMAILS = url("communication", "/api/emails")
RESPONSES = url("communication", "/api/responses")


def summary(email_id: int = 31, **extra) -> dict:
    """An e-mail as GET /api/emails lists it (checked against the real schema)."""
    body = {
        "id": email_id,
        "purpose": "outreach",
        "template": "therapist_outreach",
        "recipient": "therapist",
        "therapist_id": 15,
        "patient_id": None,
        "state": "sent",
        "subject": "Anfrage für 2 Patient:innen",
        "message_id": "<m@x>",
        "attempts": 1,
        "next_attempt_at": None,
        "last_error": None,
        "delivery_confirmed": True,
        "created_at": "2026-11-20T08:00:00+00:00",
        "queued_at": None,
        "sent_at": "2026-11-20T08:01:00+00:00",
        "failed_at": None,
        "cancelled_at": None,
        **extra,
    }
    EmailSummary.model_validate(body)
    return body


def detail(email_id: int = 31, responses: list | None = None) -> dict:
    body = {
        **summary(email_id),
        "to_address": "praxis@example.org",
        "body_text": "…",
        "body_html": None,
        "placement_request_ids": [2, 3],
        "responses": responses or [],
    }
    EmailRead.model_validate(body)
    return body


def recorded(response_id: int, channel: str, prid: int, outcome: str, effect: str) -> dict:
    """What POST /api/responses answers (checked against the real schema)."""
    body = {
        "therapist_id": 15,
        "response_id": response_id,
        "channel": channel,
        "note": None,
        "recorded_at": "2026-12-04T10:00:00+00:00",
        "outcomes": [
            {
                "placement_request_id": prid,
                "patient_id": 42,
                "outcome": outcome,
                "outcome_effect": effect,
            }
        ],
    }
    ResponseRead.model_validate(body)
    return body


def listing(items: list, total: int | None = None, number: int = 1) -> dict:
    return {
        "items": items,
        "page": number,
        "per_page": 20,
        "total": len(items) if total is None else total,
    }


def placement_request(request_id: int = 2) -> dict:
    return {"id": request_id, "patient_id": 42, "therapist_id": 15, "status": "contacted"}


def test_the_pages_require_a_login(console):
    client = console.app.test_client()
    for path in ("/antworten", "/antworten/email/31"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_menu_links_the_page(console):
    console.api.get(EMAILS, json=listing([]))
    console.api.get(url("communication", "/api/phone-calls"), json=listing([]))
    html = console.client("staff").get("/").get_data(as_text=True)
    assert 'href="/antworten"' in html and "Antworten erfassen" in html


def test_the_e_mail_list_passes_filters_and_page(console):
    console.api.get(EMAILS, json=listing([summary()], total=41, number=2))
    response = console.client("staff").get("/antworten?therapist_id=15&status=sent&page=2")
    html = response.get_data(as_text=True)
    sent = console.api.calls[-1].request.url
    assert "therapist_id=15" in sent and "status=sent" in sent and "page=2" in sent
    assert 'href="/antworten/email/31"' in html and "Seite 2 von 3" in html
    assert 'value="15"' in html  # the filter stays


def test_a_bad_filter_is_shown_next_to_its_field(console):
    response = console.client("staff").get("/antworten?therapist_id=abc")
    html = response.get_data(as_text=True)
    assert 'id="e-therapist_id"' in html and 'value="abc"' in html
    assert not console.api.calls


def test_a_placement_request_leads_to_its_e_mail(console):
    console.api.get(url("matching", "/api/placement-requests/2"), json=placement_request())
    console.api.get(EMAILS, json=listing([summary()]))
    response = console.client("staff").get("/antworten?placement_request_id=2")
    assert response.status_code == 302
    assert response.headers["Location"] == "/antworten/email/31?placement_request_id=2"
    sent = console.api.calls[-1].request.url
    assert "therapist_id=15" in sent and "patient_id=42" in sent and "status=sent" in sent


def test_a_placement_request_without_e_mail_prefills_the_direct_form(console):
    console.api.get(url("matching", "/api/placement-requests/2"), json=placement_request())
    patient_mail = summary(40, recipient="patient", patient_id=42, template="patient_placed")
    console.api.get(EMAILS, json=listing([patient_mail]))
    response = console.client("staff").get("/antworten?placement_request_id=2")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="no-email"' in html
    direct = html.split('id="direct-form"')[1]
    assert 'id="direct-therapist_id" name="therapist_id" type="text" value="15"' in direct
    assert 'id="direct-placement_request_id" name="placement_request_id" type="text" value="2"' in (
        direct
    )


def test_matching_down_while_looking_up_a_request_is_shown_on_the_page(console):
    console.api.get(url("matching", "/api/placement-requests/2"), body=requests.ConnectionError())
    response = console.client("staff").get("/antworten?placement_request_id=2")
    assert response.status_code == 200
    assert "Der Vermittlungsdienst ist gerade nicht erreichbar" in response.get_data(as_text=True)


def test_an_unknown_placement_request_is_a_german_message(console):
    console.api.get(
        url("matching", "/api/placement-requests/99"),
        status=404,
        json={"error": {"code": "not_found", "message": "no such request"}},
    )
    html = console.client("staff").get("/antworten?placement_request_id=99").get_data(as_text=True)
    assert "Diese Platzanfrage gibt es nicht." in html and 'id="e-placement_request_id"' in html


def test_the_e_mail_page_has_one_select_per_request_and_earlier_answers(console):
    earlier = [
        {
            "response_id": 5,
            "channel": "link",
            "recorded_by": "therapist:15",
            "recorded_at": "2026-11-22T10:00:00+00:00",
            "note": None,
            "outcomes": [
                {"placement_request_id": 3, "patient_id": 43, "outcome": "rejected_no_capacity"}
            ],
        }
    ]
    console.api.get(url("communication", "/api/emails/31"), json=detail(responses=earlier))
    html = console.client("admin").get("/antworten/email/31").get_data(as_text=True)
    for prid in (2, 3):
        assert f'<select id="f-outcome-{prid}" name="outcome-{prid}"' in html
        assert f'<label for="f-outcome-{prid}">' in html
    assert '<option value="accepted"' in html and "keine Antwort" in html
    assert "kein Platz frei" in html and 'href="/patientinnen/43"' in html
    assert "22.11.2026 (Antwort-Link der E-Mail, von der Praxis selbst)" in html
    assert ">Antworten speichern</button>" in html


def _record(console, client, data, email=None):
    console.api.get(url("communication", "/api/emails/31"), json=email or detail())
    return console.post(client, "/antworten/email/31", data, form="/antworten/email/31")


def test_recording_sends_one_outcome_per_chosen_request(console):
    client = console.client("staff")
    answer = recorded(6, "email", 2, "accepted", "placement_requested")
    console.api.post(RESPONSES, status=201, json=answer)
    response = _record(
        console,
        client,
        {
            "therapist_id": "15",
            "placement_request_id": ["2", "3"],
            "outcome-2": "accepted",
            "outcome-3": "",
            "channel": "email",
            "note": " ruft an ",
            "idempotency_key": "key-9",
        },
    )
    assert response.status_code == 302
    sent = console.api.calls[-1].request
    assert json.loads(sent.body) == {
        "therapist_id": 15,
        "channel": "email",
        "outcomes": [{"placement_request_id": 2, "outcome": "accepted"}],
        "note": "ruft an",
    }
    ResponseCreate.model_validate_json(sent.body)  # what the real API accepts
    assert sent.headers["Idempotency-Key"] == "key-9"
    assert sum(1 for c in console.api.calls if c.request.method == "POST") == 1
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Antworten gespeichert (PR-2: Zusage)" in followed


def test_the_answer_form_needs_its_csrf_token(console):
    client = console.client("staff")
    response = client.post("/antworten/email/31", data={"outcome-2": "accepted"})
    assert response.status_code == 400 and "Formular" in response.get_data(as_text=True)
    assert not console.api.calls


def test_no_answer_chosen_keeps_the_input(console):
    client = console.client("staff")
    response = _record(
        console,
        client,
        {
            "therapist_id": "15",
            "placement_request_id": ["2", "3"],
            "channel": "phone",
            "note": "getippt",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "mindestens zu einer Anfrage" in html and "getippt" in html
    assert 'value="phone" selected' in html
    assert not any(c.request.method == "POST" for c in console.api.calls)


def test_validation_errors_stand_next_to_their_fields(console):
    client = console.client("staff")
    console.api.post(
        RESPONSES,
        status=400,
        json={
            "error": {
                "code": "validation_error",
                "message": "invalid",
                "details": {
                    "body.note": ["String should have at most 2000 characters"],
                    "body.outcomes.0.outcome": ["Input should be 'accepted'"],
                },
            }
        },
    )
    response = _record(
        console,
        client,
        {
            "therapist_id": "15",
            "placement_request_id": ["2", "3"],
            "outcome-3": "no_show",
            "channel": "email",
            "note": "n",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="e-note"' in html and "Höchstens 2000 Zeichen." in html
    assert 'id="e-outcome-3"' in html and 'value="no_show" selected' in html


@pytest.mark.parametrize(
    ("status", "german"),
    [(409, "schon eine Antwort erfasst"), (422, "noch nichts versendet")],
)
def test_already_answered_and_never_sent_are_german_messages(console, status, german):
    client = console.client("staff")
    console.api.post(
        RESPONSES, status=status, json={"error": {"code": "conflict", "message": "refused"}}
    )
    response = _record(
        console,
        client,
        {
            "therapist_id": "15",
            "placement_request_id": ["2", "3"],
            "outcome-2": "rejected_other",
            "channel": "email",
            "note": "behalten",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == status
    assert german in html and "behalten" in html
    assert 'value="rejected_other" selected' in html


def test_an_outage_while_saving_keeps_the_choices(console):
    client = console.client("staff")
    console.api.get(url("communication", "/api/emails/31"), json=detail())
    token_page = client.get("/antworten/email/31").get_data(as_text=True)
    token = token_page.split('name="csrf_token" value="')[1].split('"')[0]
    console.api.replace(
        "GET", url("communication", "/api/emails/31"), body=requests.ConnectionError()
    )
    console.api.post(RESPONSES, body=requests.ConnectionError())
    response = client.post(
        "/antworten/email/31",
        data={
            "csrf_token": token,
            "therapist_id": "15",
            "placement_request_id": ["2", "3"],
            "outcome-2": "accepted",
            "channel": "email",
            "note": "nichts verloren",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "nicht erreichbar" in html and "nichts verloren" in html
    assert 'value="accepted" selected' in html and 'name="outcome-3"' in html


def test_the_e_mail_list_shows_the_outage_page_when_communication_is_down(console):
    console.api.get(EMAILS, status=503)
    response = console.client("staff").get("/antworten")
    assert response.status_code == 503
    assert "Der Kommunikationsdienst ist gerade nicht erreichbar" in response.get_data(as_text=True)


def test_recording_directly_with_therapist_and_request(console):
    client = console.client("staff")
    console.api.get(EMAILS, json=listing([]))
    answer = recorded(7, "phone", 2, "rejected_not_suitable", "recorded")
    console.api.post(RESPONSES, status=201, json=answer)
    response = console.post(
        client,
        "/antworten/direkt",
        {
            "therapist_id": "15",
            "placement_request_id": "2",
            "outcome": "rejected_not_suitable",
            "channel": "phone",
            "note": "",
        },
        form="/antworten",
    )
    assert response.status_code == 302
    assert json.loads(console.api.calls[-1].request.body) == {
        "therapist_id": 15,
        "channel": "phone",
        "note": None,
        "outcomes": [{"placement_request_id": 2, "outcome": "rejected_not_suitable"}],
    }


def test_the_direct_form_shows_errors_next_to_fields(console):
    client = console.client("staff")
    console.api.get(EMAILS, json=listing([]))
    response = console.post(
        client,
        "/antworten/direkt",
        {
            "therapist_id": "x",
            "placement_request_id": "2",
            "outcome": "",
            "channel": "email",
            "note": "bleibt",
        },
        form="/antworten",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="direct-e-therapist_id"' in html and 'id="direct-e-outcome"' in html
    assert 'value="x"' in html and 'value="bleibt"' in html
    assert html.count('id="f-therapist_id"') == 1 and html.count('id="direct-therapist_id"') == 1
