"""Follow-up and first-contact calls, the call list and call outcomes, with `as_of` / a fake clock.

START is Monday 2026-03-02 09:00 Berlin; the therapist's phone hours (PROFILE_EXAMPLE) are
Monday 08:00-08:50 and 12:30-13:00, Wednesday 14:00-14:50 (Berlin, CET = UTC+1).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from integration.communication_service.helpers import (
    START,
    feed,
    new_id,
    request_item,
    requests_created,
    therapist_created,
)
from sqlalchemy import select

from communication_service.models import infrastructure, outreach_requests
from communication_service.services import sending
from shared.events.matching import PlacementRequestCancelled

pytestmark = pytest.mark.integration
WEEK = timedelta(days=7)


def sent_email(ctx, handlers, therapist, count=1, **profile) -> tuple[int, list[dict]]:
    """A therapist (read model + directory) whose outreach e-mail went out at START."""
    tid = therapist()
    feed(ctx, handlers, therapist_created(tid, **profile), producer="therapist_service")
    items = [request_item(tid) for _ in range(count)]
    feed(ctx, handlers, requests_created(*items))
    sending.send_emails(ctx, START)
    return tid, items


def events(ctx, event_type: str) -> list[dict]:
    t = infrastructure["outbox"]
    topic = ctx.settings.topic("communication-events")
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(t.c.envelope)
            .where(t.c.topic == topic, t.c.event_type == event_type)
            .order_by(t.c.id)
        ).scalars()
        return [dict(r["payload"]) for r in rows]


def run_job(client, admin, as_of):
    response = client.post(
        "/api/jobs/follow-ups/run", json={"as_of": as_of.isoformat()}, headers=admin
    )
    assert response.status_code == 200, response.json
    return response.json["result"]


def calls_of(client, staff, tid) -> list[dict]:
    response = client.get(f"/api/phone-calls?therapist_id={tid}", headers=staff)
    assert response.status_code == 200, response.json
    return response.json["items"]


def outcome(client, staff, call_id, **body):
    return client.put(f"/api/phone-calls/{call_id}/outcome", json=body, headers=staff)


def request_state(ctx, request_id) -> tuple[str, str | None]:
    r = outreach_requests
    with ctx.engine.connect() as conn:
        row = conn.execute(
            select(r.c.state, r.c.close_reason).where(r.c.placement_request_id == request_id)
        ).one()
    return row[0], row[1]


def test_unanswered_email_gets_exactly_one_call_in_the_next_window_after_seven_days(
    ctx, handlers, client, staff, admin, therapist
):
    tid, items = sent_email(ctx, handlers, therapist, count=2)
    early = run_job(client, admin, START + WEEK - timedelta(minutes=1))
    assert early["follow_up"] == {}
    assert run_job(client, admin, START + WEEK)["follow_up"] == {"scheduled": 1}
    assert run_job(client, admin, START + WEEK + timedelta(hours=1))["follow_up"] == {}
    [call] = calls_of(client, staff, tid)
    assert call["slot_start"].startswith("2026-03-09T11:30:00")  # Monday 12:30 Berlin
    assert call["slot_end"].startswith("2026-03-09T11:35:00")
    assert (call["state"], call["attempt"], call["purpose"]) == ("scheduled", 1, "follow_up")
    assert call["flagged_for_staff"] is False
    assert call["therapist"]["phone"] == "+492411234567"
    ids = [i["placement_request_id"] for i in items]
    assert [p["placement_request_id"] for p in call["patients"]] == sorted(ids)
    assert call["patients"][0]["reference"].startswith("PR-")
    assert call["patients"][0]["summary"]["complaints"] == "Depressive Beschwerden, Ängste"
    assert [c["kind"] for c in call["previous_contacts"]] == ["outreach"]
    [scheduled] = events(ctx, "communication.call_scheduled")
    assert sorted(scheduled["placement_request_ids"]) == sorted(ids)
    day = client.get("/api/phone-calls?date=2026-03-09", headers=staff).json
    assert [c["id"] for c in day["items"]] == [call["id"]]
    assert client.get("/api/phone-calls?date=2026-03-10", headers=staff).json["total"] == 0


def test_an_answered_email_gets_no_follow_up_call(ctx, handlers, client, staff, admin, therapist):
    tid, [item] = sent_email(ctx, handlers, therapist)
    body = {
        "therapist_id": tid,
        "channel": "email",
        "outcomes": [
            {"placement_request_id": item["placement_request_id"], "outcome": "rejected_other"}
        ],
    }
    assert client.post("/api/responses", json=body, headers=staff).status_code == 201
    assert run_job(client, admin, START + 2 * WEEK)["follow_up"] == {}
    assert calls_of(client, staff, tid) == []


def test_an_answer_to_one_email_does_not_cancel_the_follow_up_of_another(
    ctx, handlers, client, staff, admin, therapist
):
    """Failed before: the scan's subquery read `emails` as a table of its own, so the first
    answered request anywhere counted as an answer to every e-mail (and one open request
    anywhere as open in every e-mail): no follow-up call was ever scheduled again."""
    answered, [item] = sent_email(ctx, handlers, therapist)
    waiting, _ = sent_email(ctx, handlers, therapist)
    body = {
        "therapist_id": answered,
        "channel": "email",
        "outcomes": [
            {"placement_request_id": item["placement_request_id"], "outcome": "rejected_other"}
        ],
    }
    assert client.post("/api/responses", json=body, headers=staff).status_code == 201
    assert run_job(client, admin, START + WEEK)["follow_up"] == {"scheduled": 1}
    assert calls_of(client, staff, answered) == []
    assert len(calls_of(client, staff, waiting)) == 1


def test_two_therapists_never_share_the_desks_slot(ctx, handlers, client, staff, admin, therapist):
    first, _ = sent_email(ctx, handlers, therapist)
    second, _ = sent_email(ctx, handlers, therapist)
    assert run_job(client, admin, START + WEEK)["follow_up"] == {"scheduled": 2}
    slots = {calls_of(client, staff, t)[0]["slot_start"] for t in (first, second)}
    assert len(slots) == 2


def test_not_reached_three_times_fails_for_good(ctx, handlers, client, staff, admin, therapist):
    tid, [item] = sent_email(ctx, handlers, therapist)
    run_job(client, admin, START + WEEK)
    [call] = calls_of(client, staff, tid)
    second = outcome(client, staff, call["id"], reached=False)
    assert second.status_code == 200, second.json
    assert (second.json["attempt"], second.json["state"]) == (2, "scheduled")
    assert second.json["slot_start"].startswith("2026-03-11T13:00:00")  # the next window: Wed
    third = outcome(client, staff, call["id"], reached=False).json
    assert (third["attempt"], third["slot_start"][:16]) == (3, "2026-03-16T07:00")
    final = outcome(client, staff, call["id"], reached=False).json
    assert (final["state"], final["closed_reason"]) == ("failed", "max_attempts")
    failed = events(ctx, "communication.call_failed")
    assert [(e["attempt"], e["final"]) for e in failed] == [(1, False), (2, False), (3, True)]
    assert len(events(ctx, "communication.call_scheduled")) == 3
    assert request_state(ctx, item["placement_request_id"]) == ("closed", "no_response")
    assert outcome(client, staff, call["id"], reached=False).status_code == 409
    made = [c for c in final["previous_contacts"] if c["call_id"] == call["id"]]
    assert len(made) == 3


def test_reached_call_records_answers_like_a_response(
    ctx, handlers, client, staff, admin, therapist
):
    tid, [item, other] = sent_email(ctx, handlers, therapist, count=2)
    run_job(client, admin, START + WEEK)
    [call] = calls_of(client, staff, tid)
    stranger = {"placement_request_id": new_id(), "outcome": "accepted"}
    refused = outcome(client, staff, call["id"], reached=True, outcomes=[stranger])
    assert refused.status_code == 422 and refused.json["error"]["code"] == "not_in_call"
    bad = outcome(client, staff, call["id"], reached=False, outcomes=[stranger])
    assert bad.status_code == 400
    assert outcome(client, staff, 9_999_999_999, reached=False).status_code == 404
    answer = {"placement_request_id": item["placement_request_id"], "outcome": "accepted"}
    done = outcome(client, staff, call["id"], reached=True, outcomes=[answer], note="Zusage")
    assert done.status_code == 200, done.json
    assert (done.json["state"], done.json["note"]) == ("completed", "Zusage")
    assert done.json["response_id"] is not None
    [completed] = events(ctx, "communication.call_completed")
    assert completed["call_id"] == call["id"]
    [recorded] = events(ctx, "communication.therapist_response_recorded")
    assert recorded["channel"] == "phone"
    assert recorded["outcomes"][0]["outcome"] == "accepted"
    history = client.get(f"/api/therapists/{tid}/contact-history", headers=staff).json
    assert history["cooling_until"] is not None
    assert outcome(client, staff, call["id"], reached=True).status_code == 409
    assert request_state(ctx, item["placement_request_id"]) == ("closed", "accepted")
    assert request_state(ctx, other["placement_request_id"])[0] == "in_email"


def test_phone_preferring_therapist_gets_a_first_contact_call(
    ctx, handlers, client, staff, admin, therapist
):
    tid = therapist()
    feed(
        ctx,
        handlers,
        therapist_created(tid, preferred_channel="phone"),
        producer="therapist_service",
    )
    first = request_item(tid)
    feed(ctx, handlers, requests_created(first))
    assert request_state(ctx, first["placement_request_id"])[0] == "phone_pending"
    assert run_job(client, admin, START)["first_contact"] == {"scheduled": 1}
    assert run_job(client, admin, START)["first_contact"] == {}
    later = request_item(tid)
    feed(ctx, handlers, requests_created(later))
    assert run_job(client, admin, START)["first_contact"] == {"joined": 1}
    [call] = calls_of(client, staff, tid)
    assert call["purpose"] == "first_contact" and call["email_id"] is None
    assert call["slot_start"].startswith("2026-03-02T11:30:00")
    assert len(call["patients"]) == 2
    answer = [
        {"placement_request_id": later["placement_request_id"], "outcome": "rejected_no_capacity"}
    ]
    assert outcome(client, staff, call["id"], reached=True, outcomes=answer).status_code == 200
    history = client.get(f"/api/therapists/{tid}/contact-history", headers=staff).json
    assert ("phone", "outreach") in {(c["channel"], c["kind"]) for c in history["contacts"]}


def test_therapist_without_phone_hours_gets_the_default_window_flagged(
    ctx, handlers, client, staff, admin, therapist
):
    tid, _ = sent_email(ctx, handlers, therapist, phone_hours={})
    run_job(client, admin, START + WEEK)
    [call] = calls_of(client, staff, tid)
    assert call["flagged_for_staff"] is True and call["flag_reason"] == "default_window"
    assert call["slot_start"].startswith("2026-03-09T09:00:00")  # 10:00 Berlin


def test_a_cancelled_request_leaves_the_call_and_an_empty_call_is_cancelled(
    ctx, handlers, client, staff, admin, therapist
):
    tid, [item] = sent_email(ctx, handlers, therapist)
    run_job(client, admin, START + WEEK)
    gone = PlacementRequestCancelled(
        placement_request_id=item["placement_request_id"],
        patient_id=item["patient_id"],
        therapist_id=tid,
        previous_status="follow_up_scheduled",
        reason="patient_paused",
        cancelled_at=START + WEEK,
    )
    feed(ctx, handlers, gone)
    [call] = calls_of(client, staff, tid)
    assert (call["state"], call["patients"]) == ("cancelled", [])
    assert outcome(client, staff, call["id"], reached=False).status_code == 409
