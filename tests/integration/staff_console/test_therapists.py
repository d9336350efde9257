"""Therapeut:innen: search, the record with its contact history, block, unblock, lift cooling."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from support.console import url

pytestmark = pytest.mark.integration

DETAIL = "/therapeutinnen/15"
THERAPIST = url("therapist", "/api/therapists/15")
STATUS = url("therapist", "/api/therapists/15/status")
HISTORY = url("communication", "/api/therapists/15/contact-history")
LIFT = url("matching", "/api/therapists/15/cooling/lift")


def therapist(**overrides) -> dict:
    record = {
        "id": 15,
        "external_id": "ext-15",
        "title": "Dr.",
        "first_name": "Ina",
        "last_name": "Berg",
        "street": "Hauptstr.",
        "house_number": "3",
        "postal_code": "10115",
        "city": "Berlin",
        "phone": "+49301234567",
        "email": "praxis@example.org",
        "languages": ["de", "en"],
        "offers": [
            {"procedure": "VT", "age_group": "adults", "setting": "individual"},
            {"procedure": "VT", "age_group": "adults", "setting": "group"},
        ],
        "statutory_licence": True,
        "barrier_free": False,
        "phone_hours": {"mon": ["09:00-10:00"], "thu": ["13:00-13:50"]},
        "consultation_hours": {"tue": ["08:00-18:00"]},
        "accepting_new_patients": "yes",
        "capacity_as_of": "2026-11-30",
        "preferred_channel": "email",
        "opted_out": False,
        "status": "active",
        "status_reason": None,
        "status_changed_at": None,
        "block_reason": None,
    }
    return {**record, **overrides}


HISTORY_BODY = {
    "therapist_id": 15,
    "contacts": [
        {
            "id": 1,
            "channel": "email",
            "kind": "outreach",
            "email_id": 4,
            "call_id": None,
            "response_id": None,
            "practice_id": None,
            "blocks_from": "2026-11-20T09:00:00+00:00",
            "blocks_until": "2026-11-27T09:00:00+00:00",
            "occurred_at": "2026-11-20T09:00:00+00:00",
            "voided_at": None,
            "created_at": "2026-11-20T09:00:00+00:00",
        }
    ],
    "responses": [
        {
            "id": 2,
            "therapist_id": 15,
            "channel": "phone",
            "note": "Rückruf Montag",
            "recorded_by": "lena",
            "recorded_at": "2026-11-25T10:30:00+00:00",
        }
    ],
    "cooling_periods": [
        {
            "id": 3,
            "response_id": 2,
            "starts_at": "2026-11-25T10:30:00+00:00",
            "ends_at": "2026-12-23T10:30:00+00:00",
            "lifted_at": None,
        }
    ],
    "cooling_until": "2026-12-23T10:30:00+00:00",
}


def fake_detail(console, **overrides) -> None:
    console.api.get(THERAPIST, json=therapist(**overrides))
    console.api.get(HISTORY, json=HISTORY_BODY)


def sent(console, method: str, address: str):
    calls = [c for c in console.api.calls if c.request.method == method]
    assert calls, f"no {method} call"
    assert calls[-1].request.url.split("?")[0] == address
    return calls[-1].request


def html_of(response) -> str:
    return response.get_data(as_text=True)


def test_the_pages_need_a_login(console):
    client = console.app.test_client()
    for path in ("/therapeutinnen/", DETAIL):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    response = client.post(f"{DETAIL}/sperren", data={"reason": "x"})
    assert response.status_code in (302, 400)  # no session: CSRF or the login, never the API
    assert not console.api.calls


def test_the_list_passes_search_and_page_through_to_the_api(console):
    console.api.get(
        url("therapist", "/api/therapists"),
        json={"items": [therapist()], "page": 2, "per_page": 20, "total": 41},
    )
    client = console.client("staff")
    response = client.get(
        "/therapeutinnen/?q=Berg&postal_code=101&procedure=VT&accepting=yes&status=active&page=2"
    )
    assert response.status_code == 200
    query = parse_qs(urlsplit(console.api.calls[-1].request.url).query)
    assert query == {
        "q": ["Berg"],
        "postal_code": ["101"],
        "procedure": ["VT"],
        "accepting": ["yes"],
        "status": ["active"],
        "page": ["2"],
        "per_page": ["20"],
    }
    html = html_of(response)
    assert "Dr. Ina Berg" in html and 'href="/therapeutinnen/15"' in html
    assert "Seite 2 von 3" in html
    assert "postal_code=101" in html.split('rel="next"')[0].split("weiter")[0]  # filters kept
    assert 'value="Berg"' in html and 'value="VT" selected' in html
    assert "Stand 30.11.2026" in html


def test_a_filter_the_api_refuses_stands_next_to_its_field(console):
    console.api.get(
        url("therapist", "/api/therapists"),
        status=400,
        json={
            "error": {
                "code": "validation_error",
                "message": "Invalid request.",
                "details": {"postal_code": ["String should match pattern '^\\d{1,5}$'"]},
            }
        },
    )
    response = console.client("staff").get("/therapeutinnen/?postal_code=abc")
    assert response.status_code == 400
    html = html_of(response)
    assert 'id="e-postal_code"' in html and "Das Format stimmt nicht." in html
    assert 'value="abc"' in html


def test_the_list_shows_the_outage_page_when_the_therapist_service_is_down(console):
    console.api.get(url("therapist", "/api/therapists"), body=requests.ConnectionError())
    response = console.client("staff").get("/therapeutinnen/")
    assert response.status_code == 503
    assert "Therapeutendienst ist gerade nicht erreichbar" in html_of(response)


def test_the_detail_shows_hours_offers_capacity_status_and_contact_history(console):
    fake_detail(console)
    response = console.client("staff").get(DETAIL)
    assert response.status_code == 200
    html = html_of(response)
    assert "Dr. Ina Berg" in html
    assert "Montag" in html and "09:00-10:00" in html and "Donnerstag" in html
    assert "Dienstag" in html and "08:00-18:00" in html  # consultation hours
    assert "Verhaltenstherapie (VT) · Erwachsene · Gruppentherapie" in html
    assert "nimmt neue Patient:innen an" in html and "angegeben am 30.11.2026" in html
    assert "aktiv" in html
    assert "Rückruf Montag" in html and "Anfrage" in html
    assert "Läuft bis 23.12.2026 11:30" in html  # Europe/Berlin
    assert "/therapeutinnen/15/sperren" in html and "/entsperren" not in html


def test_the_detail_renders_when_communication_is_down(console):
    console.api.get(THERAPIST, json=therapist())
    console.api.get(HISTORY, status=503)
    response = console.client("staff").get(DETAIL)
    assert response.status_code == 200
    html = html_of(response)
    section = html.split('id="kontaktverlauf"')[1]
    assert "Kommunikationsdienst ist gerade nicht erreichbar" in section
    assert "Telefonische Erreichbarkeit" in html and "09:00-10:00" in html


def test_an_unknown_therapist_is_404(console):
    console.api.get(
        THERAPIST,
        status=404,
        json={"error": {"code": "not_found", "message": "No such therapist", "details": {}}},
    )
    console.api.get(HISTORY, json=HISTORY_BODY)
    assert console.client("staff").get(DETAIL).status_code == 404


def test_block_without_csrf_token_is_refused(console):
    client = console.client("staff")
    response = client.post(f"{DETAIL}/sperren", data={"reason": "Beschwerde"})
    assert response.status_code == 400
    assert "Formular" in html_of(response)
    assert not [c for c in console.api.calls if c.request.method == "PUT"]


def test_block_without_a_reason_is_refused_next_to_the_field_without_the_api(console):
    fake_detail(console)
    client = console.client("staff")
    response = console.post(client, f"{DETAIL}/sperren", {"reason": "  "}, form=DETAIL)
    assert response.status_code == 400
    html = html_of(response)
    assert 'id="block-reason-error"' in html and "Grund für die Sperre" in html
    assert not [c for c in console.api.calls if c.request.method == "PUT"]


def test_block_sends_the_status_and_the_reason_once_with_the_form_key(console):
    fake_detail(console)
    console.api.put(STATUS, json=therapist(status="blocked", block_reason="Beschwerde vom 02.03."))
    client = console.client("staff")
    page = html_of(client.get(DETAIL))
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        f"{DETAIL}/sperren",
        data={"reason": "Beschwerde vom 02.03.", "idempotency_key": key, "csrf_token": token},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(DETAIL)
    request = sent(console, "PUT", STATUS)
    assert json.loads(request.body) == {"status": "blocked", "reason": "Beschwerde vom 02.03."}
    assert request.headers["Idempotency-Key"] == key
    assert len([c for c in console.api.calls if c.request.method == "PUT"]) == 1


def test_a_refused_block_keeps_the_reason_and_shows_the_api_details(console):
    fake_detail(console)
    console.api.put(
        STATUS,
        status=400,
        json={
            "error": {
                "code": "validation_error",
                "message": "Invalid request.",
                "details": {"reason": ["String should have at most 500 characters"]},
            }
        },
    )
    client = console.client("staff")
    response = console.post(client, f"{DETAIL}/sperren", {"reason": "Zu lang"}, form=DETAIL)
    assert response.status_code == 400
    html = html_of(response)
    assert 'id="block-reason-error"' in html and "Höchstens 500 Zeichen." in html
    assert ">Zu lang</textarea>" in html


def test_a_409_on_block_is_a_german_message_with_the_reason_kept(console):
    fake_detail(console)
    console.api.put(
        STATUS,
        status=409,
        json={
            "error": {
                "code": "conflict",
                "message": "A therapist cannot go from inactive to blocked.",
                "details": {},
            }
        },
    )
    client = console.client("staff")
    response = console.post(client, f"{DETAIL}/sperren", {"reason": "Beschwerde"}, form=DETAIL)
    assert response.status_code == 409
    html = html_of(response)
    assert "lässt sich im aktuellen Status nicht sperren" in html
    assert "cannot go from" not in html
    assert ">Beschwerde</textarea>" in html


def test_block_while_the_therapist_service_is_down_keeps_the_reason(console):
    console.api.get(THERAPIST, body=requests.ConnectionError())
    console.api.get(HISTORY, json=HISTORY_BODY)
    console.api.put(STATUS, body=requests.ConnectionError())
    client = console.client("staff")
    response = console.post(client, f"{DETAIL}/sperren", {"reason": "Beschwerde"}, form=DETAIL)
    assert response.status_code == 503
    html = html_of(response)
    assert "Therapeutendienst ist gerade nicht erreichbar" in html
    assert ">Beschwerde</textarea>" in html


def test_unblock_sends_active_and_an_optional_reason(console):
    fake_detail(console, status="blocked", block_reason="Beschwerde")
    console.api.put(STATUS, json=therapist())
    client = console.client("staff")
    page = html_of(client.get(DETAIL))
    assert "/therapeutinnen/15/entsperren" in page and "/therapeutinnen/15/sperren" not in page
    assert "Grund der Sperre: Beschwerde" in page
    response = console.post(client, f"{DETAIL}/entsperren", {}, form=DETAIL)
    assert response.status_code == 302
    assert json.loads(sent(console, "PUT", STATUS).body) == {"status": "active"}
    console.post(client, f"{DETAIL}/entsperren", {"reason": "geklärt"}, form=DETAIL)
    assert json.loads(sent(console, "PUT", STATUS).body) == {
        "status": "active",
        "reason": "geklärt",
    }


def test_lift_cooling_needs_a_reason_before_the_api_is_called(console):
    fake_detail(console)
    client = console.client("staff")
    response = console.post(client, f"{DETAIL}/abkuehlung-aufheben", {"reason": ""}, form=DETAIL)
    assert response.status_code == 400
    html = html_of(response)
    assert 'id="lift-reason-error"' in html and "Abkühlungsphase aufgehoben wird" in html
    assert not [c for c in console.api.calls if c.request.method == "POST"]


def test_lift_cooling_sends_the_reason_to_matching(console):
    fake_detail(console)
    console.api.post(
        LIFT, json={"therapist_id": 15, "lifted_periods": 1, "lifted_at": "2026-12-04T10:00:00"}
    )
    client = console.client("staff")
    response = console.post(
        client, f"{DETAIL}/abkuehlung-aufheben", {"reason": "Praxis hat angerufen"}, form=DETAIL
    )
    assert response.status_code == 302
    request = sent(console, "POST", LIFT)
    assert json.loads(request.body) == {"reason": "Praxis hat angerufen"}
    assert request.headers["Idempotency-Key"]
    follow = html_of(client.get(DETAIL))
    assert "Abkühlungsphase ist aufgehoben" in follow


def test_lift_cooling_without_a_running_period_is_a_german_message(console):
    fake_detail(console)
    console.api.post(
        LIFT,
        status=409,
        json={
            "error": {
                "code": "not_cooling",
                "message": "Für Therapeut:in 15 läuft keine Sperrfrist, die sich aufheben ließe.",
                "details": {"therapist_id": 15},
            }
        },
    )
    client = console.client("staff")
    response = console.post(
        client, f"{DETAIL}/abkuehlung-aufheben", {"reason": "Versehen"}, form=DETAIL
    )
    assert response.status_code == 409
    html = html_of(response)
    assert "läuft gerade keine Abkühlungsphase" in html
    assert ">Versehen</textarea>" in html


def test_lift_cooling_api_details_stand_next_to_the_field(console):
    fake_detail(console)
    console.api.post(
        LIFT,
        status=400,
        json={
            "error": {
                "code": "validation_error",
                "message": "Bitte geben Sie einen Grund an.",
                "details": {"reason": ["String should have at most 1000 characters"]},
            }
        },
    )
    client = console.client("staff")
    response = console.post(client, f"{DETAIL}/abkuehlung-aufheben", {"reason": "x"}, form=DETAIL)
    assert response.status_code == 400
    html = html_of(response)
    assert 'id="lift-reason-error"' in html and "Höchstens 1000 Zeichen." in html


def test_lift_cooling_while_matching_is_down_shows_it_in_the_section(console):
    fake_detail(console)
    console.api.post(LIFT, status=503)
    client = console.client("staff")
    response = console.post(
        client, f"{DETAIL}/abkuehlung-aufheben", {"reason": "Praxis hat angerufen"}, form=DETAIL
    )
    assert response.status_code == 503
    section = html_of(response).split('id="abkuehlung"')[1].split("</section>")[0]
    assert "Vermittlungsdienst ist gerade nicht erreichbar" in section
    assert ">Praxis hat angerufen</textarea>" in section


def test_admins_may_use_the_therapist_pages_too(console):
    fake_detail(console)
    assert console.client("admin").get(DETAIL).status_code == 200


def test_the_detail_renders_the_history_when_the_therapist_service_is_down(console):
    console.api.get(THERAPIST, status=503)
    console.api.get(HISTORY, json=HISTORY_BODY)
    response = console.client("staff").get(DETAIL)
    assert response.status_code == 200
    html = html_of(response)
    section = html.split('id="stammdaten"')[1].split("</section>")[0]
    assert "Therapeutendienst ist gerade nicht erreichbar" in section
    assert "Rückruf Montag" in html and "Therapeut:in Nr. 15" in html


def test_a_role_the_api_refuses_gets_a_german_message_not_an_error_page(console):
    forbidden = {
        "error": {"code": "forbidden", "message": "Role 'admin' may not do this.", "details": {}}
    }
    console.api.get(url("therapist", "/api/therapists"), status=403, json=forbidden)
    response = console.client("admin").get("/therapeutinnen/")
    assert response.status_code == 403
    assert "Dafür fehlt Ihrer Rolle die Berechtigung." in html_of(response)
