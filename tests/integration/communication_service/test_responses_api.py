"""Responses, cooling, REST views, patient e-mails, templates and the job endpoint."""

from __future__ import annotations

import pytest
from integration.communication_service.helpers import (
    emails_of,
    feed,
    mails,
    outbox_types,
    parts,
    request_item,
    requests_created,
    therapist_created,
)

from communication_service.services import outreach, sending
from shared.events.patient import PROFILE_EXAMPLE, PatientSearchStarted

pytestmark = pytest.mark.integration


def sent_request(ctx, handlers, therapist) -> tuple[int, dict]:
    tid = therapist()
    feed(ctx, handlers, therapist_created(tid), producer="therapist_service")
    item = request_item(tid)
    feed(ctx, handlers, requests_created(item))
    sending.send_emails(ctx, ctx.clock.now())
    return tid, item


def answer(client, staff, tid, item, outcome="rejected_no_capacity", channel="email"):
    body = {
        "therapist_id": tid,
        "channel": channel,
        "note": "per Telefon",
        "outcomes": [{"placement_request_id": item["placement_request_id"], "outcome": outcome}],
    }
    return client.post("/api/responses", json=body, headers=staff)


def test_response_is_recorded_published_and_starts_cooling(
    ctx, handlers, client, staff, therapist, clock
):
    tid, item = sent_request(ctx, handlers, therapist)
    response = answer(client, staff, tid, item)
    assert response.status_code == 201, response.json
    assert response.json["outcomes"] == [
        {
            "placement_request_id": item["placement_request_id"],
            "patient_id": item["patient_id"],
            "outcome": "rejected_no_capacity",
            "outcome_effect": "recorded",  # adapted: issue 16 item 1 names each effect
        }
    ]
    assert "communication.therapist_response_recorded" in outbox_types(ctx)
    history = client.get(f"/api/therapists/{tid}/contact-history", headers=staff).json
    assert history["cooling_until"].startswith("2026-03-30T08:00:00")
    assert [c["kind"] for c in history["contacts"]] == ["response", "outreach"]
    assert answer(client, staff, tid, item).status_code == 409


def test_cooling_blocks_all_outreach_for_28_days(ctx, handlers, client, staff, therapist, clock):
    tid, item = sent_request(ctx, handlers, therapist)
    answer(client, staff, tid, item)
    feed(ctx, handlers, requests_created(request_item(tid)))
    clock.advance(days=27, hours=23)
    outreach.run_outreach(ctx, clock.now())
    assert len(emails_of(ctx, tid)) == 1
    clock.advance(hours=1)
    outreach.run_outreach(ctx, clock.now())
    assert len(emails_of(ctx, tid)) == 2


def test_outcomes_for_requests_never_sent_to_that_therapist_are_422(
    ctx, handlers, client, staff, therapist
):
    tid, item = sent_request(ctx, handlers, therapist)
    other = therapist()
    assert answer(client, staff, other, item).status_code == 422
    unknown = {**item, "placement_request_id": 999_999_999_999}
    refused = answer(client, staff, tid, unknown)
    assert refused.status_code == 422
    assert refused.json["error"]["details"] == {"placement_request_ids": [999_999_999_999]}


def test_email_detail_shows_bodies_and_request_ids(ctx, handlers, client, staff, therapist):
    tid, item = sent_request(ctx, handlers, therapist)
    [email] = emails_of(ctx, tid)
    detail = client.get(f"/api/emails/{email['id']}", headers=staff).json
    assert detail["placement_request_ids"] == [item["placement_request_id"]]
    assert "Sehr geehrte Frau Dr. Testfeld" in detail["body_text"]
    assert "<table" in detail["body_html"]
    by_patient = client.get(f"/api/emails?patient_id={item['patient_id']}", headers=staff).json
    assert [e["id"] for e in by_patient["items"]] == [email["id"]]
    assert client.get("/api/emails/999999999999", headers=staff).status_code == 404


def test_patient_gets_the_search_started_email(ctx, handlers, catcher, directory):
    patient_id = 4_200_000_001
    directory.patients[patient_id] = {
        "id": patient_id,
        "salutation": "Frau",
        "first_name": "Erika",
        "last_name": "Mustermann",
        "email": "erika@example.org",
    }
    event = PatientSearchStarted.model_validate({**PROFILE_EXAMPLE, "patient_id": patient_id})
    feed(ctx, handlers, event, producer="patient_service")
    sending.send_emails(ctx, ctx.clock.now())
    [message] = mails(catcher.folder)
    text, html = parts(message)
    assert message["To"] == "erika@example.org"
    assert "Guten Tag Frau Mustermann" in text and "Guten Tag Frau Mustermann" in html
    assert "PT-4200000001" in text


def test_templates_are_listed_and_previewed(ctx, client, staff):
    names = [t["name"] for t in client.get("/api/templates", headers=staff).json["items"]]
    assert len(names) == 9
    for name in names:
        preview = client.post(f"/api/templates/{name}/preview", headers=staff)
        assert preview.status_code == 200 and preview.json["subject"]
    assert client.post("/api/templates/nope/preview", headers=staff).status_code == 404


def test_outreach_job_endpoint_accepts_as_of(ctx, client, admin):
    response = client.post(
        "/api/jobs/outreach/run", json={"as_of": "2026-03-09T08:00:00Z"}, headers=admin
    )
    assert response.status_code == 200 and response.json["as_of"].startswith("2026-03-09")
    sent = client.post("/api/jobs/send-emails/run", headers=admin)
    assert sent.status_code == 200


def test_acceptances_for_a_placed_and_a_paused_patient_on_the_database(
    ctx, handlers, client, staff, therapist
):
    """Fails before issue 16 item 1: both acceptances were only recorded; no place-gone e-mail,
    nothing for staff. Here on PostgreSQL: the status read model, the e-mail, the attention list."""
    from shared.events.patient import PatientPlaced, PatientSearchPaused

    tid, placed_item = sent_request(ctx, handlers, therapist)
    placed = PatientPlaced.model_validate(
        {
            **PROFILE_EXAMPLE,
            "patient_id": placed_item["patient_id"],
            "status": "placed",
            "therapist_id": 9,
            "placed_at": ctx.clock.now().isoformat(),
        }
    )
    feed(ctx, handlers, placed, producer="patient_service")
    response = answer(client, staff, tid, placed_item, outcome="accepted")
    assert response.status_code == 201, response.json
    assert response.json["outcomes"][0]["outcome_effect"] == "place_gone"
    assert [e["template"] for e in emails_of(ctx, tid)].count("therapist_place_taken") == 1

    tid2, paused_item = sent_request(ctx, handlers, therapist)
    paused = PatientSearchPaused.model_validate(
        {**PROFILE_EXAMPLE, "patient_id": paused_item["patient_id"], "status": "paused"}
    )
    feed(ctx, handlers, paused, producer="patient_service")
    response = answer(client, staff, tid2, paused_item, outcome="accepted")
    assert response.json["outcomes"][0]["outcome_effect"] == "held_for_staff"
    with ctx.unit_of_work() as uow:
        items, total = uow.attention.open_page(0, 10, reason="acceptance_while_paused")
    assert total == 1 and items[0]["placement_request_id"] == paused_item["placement_request_id"]
