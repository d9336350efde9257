"""The phone path keeps the e-mail limits (issue 16, item 8): at most MAX_PATIENTS_PER_EMAIL per
first-contact call, the 7-day gap across both channels, attempts of a request's own, calls whose
slot passed without an outcome, and a follow-up cancelled by a block booked again.

Each test failed on the code before the change (noted per test). START is Monday 2026-03-02
09:00 Berlin; the therapist's phone hours (PROFILE_EXAMPLE) are Monday 08:00-08:50 and
12:30-13:00, Wednesday 14:00-14:50 (Berlin, CET = UTC+1). Time moves by a fake clock / `as_of`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from integration.communication_service.helpers import (
    START,
    feed,
    request_item,
    requests_created,
    therapist_created,
)
from integration.communication_service.test_calls import (
    calls_of,
    events,
    outcome,
    request_state,
    run_job,
    sent_email,
)

from communication_service.services import outreach
from shared.events.therapist import (
    PROFILE_EXAMPLE,
    TherapistBlocked,
    TherapistUnblocked,
    TherapistUpdated,
)
from shared.rules import CALL_OUTCOME_GRACE_HOURS

pytestmark = pytest.mark.integration
WEEK = timedelta(days=7)
FIRST_SLOT = datetime(2026, 3, 2, 11, 30, tzinfo=UTC)  # Monday 12:30 Berlin


def phone_therapist(ctx, handlers, therapist, **profile) -> int:
    tid = therapist()
    created = therapist_created(tid, preferred_channel="phone", **profile)
    feed(ctx, handlers, created, producer="therapist_service")
    return tid


def ids_of(items) -> list[int]:
    return [item["placement_request_id"] for item in items]


def carried(call) -> list[int]:
    return sorted(p["placement_request_id"] for p in call["patients"])


def test_a_first_contact_call_carries_at_most_five_patients_the_rest_wait(
    ctx, handlers, client, staff, admin, therapist
):
    """Failed before: all seven requests went phone-pending and one call carried all seven."""
    tid = phone_therapist(ctx, handlers, therapist)
    items = [request_item(tid, waited_days=20 - n) for n in range(7)]
    feed(ctx, handlers, requests_created(*items))
    first, rest = ids_of(items[:5]), ids_of(items[5:])
    assert [request_state(ctx, i)[0] for i in rest] == ["waiting", "waiting"]
    assert run_job(client, admin, START)["first_contact"] == {"scheduled": 1}
    outreach.run_outreach(ctx, START)
    run_job(client, admin, START)
    [call] = calls_of(client, staff, tid)
    assert carried(call) == sorted(first)
    assert [request_state(ctx, i)[0] for i in rest] == ["waiting", "waiting"]
    # Reached without answers: the two waiting ones get the next call 7 days after the slot.
    assert outcome(client, staff, call["id"], reached=True).status_code == 200
    outreach.run_outreach(ctx, FIRST_SLOT + WEEK - timedelta(minutes=1))
    assert [request_state(ctx, i)[0] for i in rest] == ["waiting", "waiting"]
    outreach.run_outreach(ctx, FIRST_SLOT + WEEK)
    assert run_job(client, admin, FIRST_SLOT + WEEK)["first_contact"] == {"scheduled": 1}
    newest = [c for c in calls_of(client, staff, tid) if c["id"] != call["id"]]
    assert [carried(c) for c in newest] == [sorted(rest)]


def test_no_new_first_contact_call_within_seven_days_of_a_completed_call(
    ctx, handlers, client, staff, admin, therapist, clock
):
    """Failed before: the later request got a second first-contact call at the next job run."""
    tid = phone_therapist(ctx, handlers, therapist)
    feed(ctx, handlers, requests_created(request_item(tid)))
    run_job(client, admin, START)
    [call] = calls_of(client, staff, tid)
    clock.set(FIRST_SLOT + timedelta(minutes=10))
    assert outcome(client, staff, call["id"], reached=True).status_code == 200
    clock.set(START + timedelta(days=1))
    later = request_item(tid)
    feed(ctx, handlers, requests_created(later))
    assert request_state(ctx, later["placement_request_id"])[0] == "waiting"
    assert run_job(client, admin, START + timedelta(days=1))["first_contact"] == {}
    assert len(calls_of(client, staff, tid)) == 1
    outreach.run_outreach(ctx, FIRST_SLOT + WEEK)
    assert run_job(client, admin, FIRST_SLOT + WEEK)["first_contact"] == {"scheduled": 1}
    assert len(calls_of(client, staff, tid)) == 2


def test_no_outreach_email_within_seven_days_of_a_first_contact_call(
    ctx, handlers, client, staff, admin, therapist, clock
):
    """Failed before: the 7-day ledger counted e-mails only, so an e-mail followed the call."""
    tid = phone_therapist(ctx, handlers, therapist)
    feed(ctx, handlers, requests_created(request_item(tid)))
    run_job(client, admin, START)
    [call] = calls_of(client, staff, tid)
    assert outcome(client, staff, call["id"], reached=True).status_code == 200
    clock.set(START + timedelta(days=2))
    profile = {**PROFILE_EXAMPLE, "therapist_id": tid, "practice_id": None}
    updated = TherapistUpdated.model_validate(
        {**profile, "preferred_channel": "email", "changed_fields": ["preferred_channel"]}
    )
    feed(ctx, handlers, updated, producer="therapist_service")
    later = request_item(tid)
    feed(ctx, handlers, requests_created(later))
    assert request_state(ctx, later["placement_request_id"])[0] == "waiting"
    outreach.run_outreach(ctx, FIRST_SLOT + WEEK - timedelta(minutes=1))
    assert request_state(ctx, later["placement_request_id"])[0] == "waiting"
    outreach.run_outreach(ctx, FIRST_SLOT + WEEK)
    assert request_state(ctx, later["placement_request_id"])[0] == "in_email"


def test_a_request_does_not_join_a_call_in_progress_and_gets_its_own_attempts(
    ctx, handlers, client, staff, admin, therapist
):
    """Failed before: the later request joined the call at its third attempt and ended
    no_response after a single attempt of its own."""
    tid = phone_therapist(ctx, handlers, therapist)
    first = request_item(tid)
    feed(ctx, handlers, requests_created(first))
    run_job(client, admin, START)
    [call] = calls_of(client, staff, tid)
    outcome(client, staff, call["id"], reached=False)
    third = outcome(client, staff, call["id"], reached=False).json
    assert third["attempt"] == 3
    later = request_item(tid)
    feed(ctx, handlers, requests_created(later))
    outreach.run_outreach(ctx, START)
    assert run_job(client, admin, START)["first_contact"] == {}
    assert carried(calls_of(client, staff, tid)[0]) == [first["placement_request_id"]]
    final = outcome(client, staff, call["id"], reached=False).json
    assert final["state"] == "failed"
    assert request_state(ctx, first["placement_request_id"]) == ("closed", "no_response")
    assert request_state(ctx, later["placement_request_id"])[0] == "waiting"
    last_slot = datetime.fromisoformat(third["slot_start"])
    outreach.run_outreach(ctx, last_slot + WEEK)
    assert run_job(client, admin, last_slot + WEEK)["first_contact"] == {"scheduled": 1}
    own = [c for c in calls_of(client, staff, tid) if c["id"] != call["id"]]
    assert [(c["attempt"], carried(c)) for c in own] == [(1, [later["placement_request_id"]])]


def test_a_slot_passed_without_an_outcome_counts_as_not_reached(
    ctx, handlers, client, staff, admin, therapist
):
    """Failed before: the call stayed scheduled at attempt 1 and its request open forever."""
    tid = phone_therapist(ctx, handlers, therapist)
    item = request_item(tid)
    feed(ctx, handlers, requests_created(item))
    run_job(client, admin, START)
    grace = FIRST_SLOT + timedelta(minutes=5) + timedelta(hours=CALL_OUTCOME_GRACE_HOURS)
    assert run_job(client, admin, grace - timedelta(minutes=1))["overdue"] == {}
    assert run_job(client, admin, grace)["overdue"] == {"rescheduled": 1}
    [call] = calls_of(client, staff, tid)
    assert (call["state"], call["attempt"]) == ("scheduled", 2)
    assert call["slot_start"].startswith("2026-03-04T13:00:00")  # Wednesday 14:00 Berlin
    assert [e["final"] for e in events(ctx, "communication.call_failed")] == [False]
    later = datetime.fromisoformat(call["slot_start"]) + timedelta(days=2)
    assert run_job(client, admin, later)["overdue"] == {"rescheduled": 1}
    assert run_job(client, admin, later + 2 * WEEK)["overdue"] == {"failed": 1}
    [call] = calls_of(client, staff, tid)
    assert (call["state"], call["closed_reason"]) == ("failed", "max_attempts")
    assert request_state(ctx, item["placement_request_id"]) == ("closed", "no_response")
    assert [e["final"] for e in events(ctx, "communication.call_failed")] == [False, False, True]


def test_a_follow_up_cancelled_by_a_block_is_booked_again_after_the_unblock(
    ctx, handlers, client, staff, admin, therapist, clock
):
    """Failed before: the cancelled call still counted as the e-mail's follow-up."""
    tid, [item] = sent_email(ctx, handlers, therapist)
    assert run_job(client, admin, START + WEEK)["follow_up"] == {"scheduled": 1}
    clock.set(START + WEEK)
    blocked = TherapistBlocked(therapist_id=tid, blocked_at=clock.now())
    feed(ctx, handlers, blocked, producer="therapist_service")
    [call] = calls_of(client, staff, tid)
    assert call["state"] == "cancelled"
    assert run_job(client, admin, START + WEEK)["follow_up"] == {"therapist_not_active": 1}
    clock.set(START + WEEK + timedelta(days=1))
    unblocked = TherapistUnblocked(therapist_id=tid, unblocked_at=clock.now())
    feed(ctx, handlers, unblocked, producer="therapist_service")
    later = START + WEEK + timedelta(days=1)
    assert run_job(client, admin, later)["follow_up"] == {"scheduled": 1}
    live = [c for c in calls_of(client, staff, tid) if c["state"] == "scheduled"]
    assert [carried(c) for c in live] == [[item["placement_request_id"]]]
    assert run_job(client, admin, later)["follow_up"] == {}
