"""Heute: the call list with its outcome forms, the attention lists, counts and outages."""

from __future__ import annotations

import json
import re

import pytest
import requests
from responses import matchers
from support.console import url

from communication_service.api.schemas.calls import CallOutcomeUpdate, CallRead
from shared.http.attention import AttentionItem

pytestmark = pytest.mark.integration

CALLS = url("communication", "/api/phone-calls")


PATIENTS = [
    {
        "placement_request_id": 2,
        "patient_id": 42,
        "state": "follow_up_scheduled",
        "reference": "PR-2",
        "summary": {
            "age_text": "34 Jahre",
            "gender": "weiblich",
            "insurance": "GKV",
            "complaints": "Depression",
            "urgent": False,
        },
    },
    {
        "placement_request_id": 3,
        "patient_id": 43,
        "state": "follow_up_scheduled",
        "reference": "PR-3",
        "summary": {},
    },
]
UNSET = dict.fromkeys(
    ("flag_reason", "note", "response_id", "closed_reason", "completed_at", "failed_at"), None
)


def call(call_id: int = 7, therapist: dict | None = None, **extra) -> dict:
    """A call as GET /api/phone-calls lists it (checked against the real schema)."""
    body = {
        "id": call_id,
        "therapist_id": 15,
        "purpose": "follow_up",
        "email_id": 31,
        "state": "scheduled",
        "attempt": 1,
        "slot_start": "2026-12-04T09:05:00+00:00",
        "slot_end": "2026-12-04T09:10:00+00:00",
        "flagged_for_staff": False,
        "created_at": "2026-12-01T08:00:00+00:00",
        "cancelled_at": None,
        "therapist": therapist,
        "patients": PATIENTS,
        "previous_contacts": [],
        **UNSET,
        **extra,
    }
    CallRead.model_validate(body)
    return body


def page(items: list, total: int | None = None, number: int = 1, per_page: int = 20) -> dict:
    return {
        "items": items,
        "page": number,
        "per_page": per_page,
        "total": len(items) if total is None else total,
    }


def item(reason: str, patient_id: int | None, message: str) -> dict:
    body = {
        "reason": reason,
        "patient_id": patient_id,
        "therapist_id": None,
        "placement_request_id": None,
        "email_id": None,
        "since": "2026-12-01T08:00:00+00:00",
        "message": message,
        "details": None,
    }
    AttentionItem.model_validate(body)
    return body


def fake_attention(console, patient=None, matching=None, communication=None, crisis=None):
    only_crisis = matchers.query_param_matcher(
        {"reason": "crisis_unacknowledged", "per_page": "100"}
    )
    if crisis is not None:
        console.api.get(url("patient", "/api/attention"), match=[only_crisis], json=page(crisis))
    for service, items in (
        ("patient", patient),
        ("matching", matching),
        ("communication", communication),
    ):
        if isinstance(items, Exception):
            console.api.get(url(service, "/api/attention"), body=items)
        else:
            console.api.get(url(service, "/api/attention"), json=page(items or []))


def fake_page(console, calls=None, **attention):
    console.api.get(
        CALLS,
        json=page(
            calls
            if calls is not None
            else [
                call(
                    therapist={"name": "Praxis Dr. Berg", "phone": "030 123456", "phone_hours": {}}
                ),
                call(8, state="completed"),
            ]
        ),
    )
    fake_attention(console, **attention)


def test_today_requires_a_login(console):
    response = console.app.test_client().get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    post = console.app.test_client().post("/anrufe/7/ergebnis", data={"reached": "no"})
    assert post.status_code == 400  # the CSRF check comes first; nothing reaches the service
    assert not console.api.calls


def test_the_call_list_shows_practice_phone_time_and_patients(console):
    fake_page(console)
    html = console.client("staff").get("/?date=2026-12-04").get_data(as_text=True)
    assert "Praxis Dr. Berg" in html and "030 123456" in html
    assert "10:05–10:10 Uhr" in html  # Europe/Berlin
    assert 'href="/patientinnen/42"' in html and "PR-3" in html
    assert 'id="call-7-outcome-2"' in html and 'name="outcome-2"' in html
    assert 'id="call-8-form"' not in html  # only scheduled calls get a form
    sent = console.api.calls[0].request.url
    assert "date=2026-12-04" in sent and "status=scheduled" in sent and "page=1" in sent


def test_a_call_without_practice_data_looks_the_therapist_up(console):
    fake_page(console, calls=[call(therapist=None)])
    console.api.get(
        url("therapist", "/api/therapists/15"),
        json={"title": "Dr.", "first_name": "Eva", "last_name": "Kern", "phone": "0221 9"},
    )
    html = console.client("admin").get("/").get_data(as_text=True)
    assert "Dr. Eva Kern" in html and "0221 9" in html


def test_the_page_passes_the_page_number_and_shows_the_pager(console):
    console.api.get(CALLS, json=page([call()], total=45, number=2))
    fake_attention(console)
    html = console.client("staff").get("/?date=2026-12-04&page=2").get_data(as_text=True)
    assert "page=2" in console.api.calls[0].request.url
    assert "Seite 2 von 3" in html and 'rel="next"' in html


def test_attention_lists_crisis_first_with_counts_and_patient_links(console):
    crisis = item("crisis_unacknowledged", 9, "Krisenhinweis noch nicht bestätigt")
    fake_page(
        console,
        patient=[item("status_mismatch", 5, "Dienste uneinig"), crisis],
        crisis=[crisis],
        matching=[item("searching_without_request", 6, "Sucht ohne Anfrage")],
        communication=[],
    )
    html = console.client("staff").get("/").get_data(as_text=True)
    assert re.search(r'id="count-calls">2<', html)
    assert re.search(r'id="count-crisis">1<', html)
    assert re.search(r'id="count-attention-1">2<', html)
    assert re.search(r'id="count-attention-2">1<', html)
    patient_section = html.split("Zu klären: Patientendienst")[1]
    assert patient_section.index("Krisenhinweis") < patient_section.index("Dienste uneinig")
    assert html.index("Krisenhinweise") < html.index("Anrufliste")
    assert 'href="/patientinnen/6"' in html and 'href="/patientinnen/9"' in html
    assert "seit 01.12.2026" in html


def test_one_service_down_leaves_the_rest_of_the_page(console):
    console.api.get(CALLS, status=503)
    fake_attention(
        console,
        patient=requests.ConnectionError(),
        matching=[item("searching_without_request", 6, "Sucht ohne Anfrage")],
    )
    response = console.client("staff").get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Der Kommunikationsdienst ist gerade nicht erreichbar" in html
    assert "Der Patientendienst ist gerade nicht erreichbar" in html
    assert "Sucht ohne Anfrage" in html


def _record(console, client, data):
    fake_page(console)
    return console.post(client, "/anrufe/7/ergebnis", data, form="/")


def test_reached_with_answers_sends_the_outcome_body(console):
    client = console.client("staff")
    console.api.put(
        url("communication", "/api/phone-calls/7/outcome"), json=call(state="completed")
    )
    response = _record(
        console,
        client,
        {
            "reached": "yes",
            "outcome-2": "accepted",
            "outcome-3": "",
            "note": " ab März ",
            "placement_request_id": ["2", "3"],
            "idempotency_key": "k-1",
        },
    )
    assert response.status_code == 302
    sent = console.api.calls[-1].request
    assert json.loads(sent.body) == {
        "reached": True,
        "outcomes": [{"placement_request_id": 2, "outcome": "accepted"}],
        "note": "ab März",
    }
    CallOutcomeUpdate.model_validate_json(sent.body)  # what the real API accepts
    assert sent.headers["Idempotency-Key"] == "k-1"
    assert sum(1 for c in console.api.calls if c.request.method == "PUT") == 1


def test_not_reached_sends_only_the_note(console):
    client = console.client("staff")
    console.api.put(
        url("communication", "/api/phone-calls/7/outcome"), json=call(state="scheduled")
    )
    response = _record(
        console,
        client,
        {"reached": "no", "note": "Anrufbeantworter", "placement_request_id": ["2", "3"]},
    )
    assert response.status_code == 302
    assert json.loads(console.api.calls[-1].request.body) == {
        "reached": False,
        "outcomes": [],
        "note": "Anrufbeantworter",
    }
    CallOutcomeUpdate.model_validate_json(console.api.calls[-1].request.body)


def test_the_call_form_needs_its_csrf_token(console):
    client = console.client("staff")
    response = client.post("/anrufe/7/ergebnis", data={"reached": "no"})
    assert response.status_code == 400 and "Formular" in response.get_data(as_text=True)


def test_a_missing_choice_is_shown_next_to_its_field_and_the_input_kept(console):
    client = console.client("staff")
    response = _record(
        console,
        client,
        {
            "outcome-2": "rejected_no_capacity",
            "note": "typed note",
            "placement_request_id": ["2"],
            "reference-2": "PR-2",
            "practice_name": "Praxis Dr. Berg",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="call-7-e-reached"' in html
    assert 'value="rejected_no_capacity" selected' in html and "typed note" in html
    assert "Praxis Dr. Berg" in html
    assert not any(c.request.method == "PUT" for c in console.api.calls)


def test_api_refusals_are_german_and_keep_the_input(console):
    client = console.client("staff")
    console.api.put(
        url("communication", "/api/phone-calls/7/outcome"),
        status=400,
        json={
            "error": {
                "code": "validation_error",
                "message": "invalid",
                "details": {
                    "body.outcomes.0.outcome": ["Input should be 'accepted'"],
                    "body.note": ["String should have at most 2000 characters"],
                },
            }
        },
    )
    response = _record(
        console,
        client,
        {"reached": "yes", "outcome-2": "accepted", "note": "x", "placement_request_id": ["2"]},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="call-7-e-outcome-2"' in html and 'id="call-7-e-note"' in html
    assert "Höchstens 2000 Zeichen." in html


def test_an_already_recorded_call_is_a_german_message(console):
    client = console.client("staff")
    console.api.put(
        url("communication", "/api/phone-calls/7/outcome"),
        status=409,
        json={"error": {"code": "conflict", "message": "call is completed"}},
    )
    response = _record(
        console, client, {"reached": "no", "note": "zweimal", "placement_request_id": ["2"]}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "schon erfasst" in html and "zweimal" in html


def test_an_outage_while_recording_keeps_what_was_typed(console):
    client = console.client("staff")
    console.api.put(
        url("communication", "/api/phone-calls/7/outcome"), body=requests.ConnectionError()
    )
    response = _record(
        console,
        client,
        {
            "reached": "yes",
            "outcome-3": "no_show",
            "note": "nicht verloren",
            "placement_request_id": ["2", "3"],
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "nicht erreichbar" in html and "nicht verloren" in html
    assert 'value="no_show" selected' in html


@pytest.fixture
def console_on_stack_time(keys, clean_accounts):
    """The console with CONSOLE_FOLLOW_STACK_CLOCK: the day's pages show the stack's time."""
    import responses as responses_lib
    from support.console import Console, settings

    from staff_console.app import create_app

    app = create_app(settings(keys, console_follow_stack_clock=True))
    app.config["TESTING"] = True
    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as api:
        yield Console(app, api, keys)
    app.extensions["console_engine"].dispose()


def test_with_a_simulated_clock_heute_is_the_stacks_day(console_on_stack_time):
    console = console_on_stack_time
    console.api.get(
        url("patient", "/api/clock"), json={"now": "2027-01-11T23:30:00+00:00", "simulated": True}
    )
    fake_page(console, calls=[])
    html = console.client("staff").get("/").get_data(as_text=True)
    assert "2027-01-12" in html  # 00:30 in Berlin: already the next day
    listed = [c.request.url for c in console.api.calls if "/api/phone-calls" in c.request.url]
    assert listed and "date=2027-01-12" in listed[0]


def test_without_the_setting_heute_is_todays_date(console):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    fake_page(console, calls=[])
    console.client("staff").get("/")
    today = datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
    listed = [c.request.url for c in console.api.calls if "/api/phone-calls" in c.request.url]
    assert f"date={today}" in listed[0]
    assert not [c for c in console.api.calls if "/api/clock" in c.request.url]
