"""The call scheduler on in-memory fakes: follow-up calls, first contacts, unslotted calls.

START is Monday 2026-02-02 09:00 in Berlin (08:00 UTC); the phone hours are Monday 10-12 and
Wednesday 14-16 (Berlin), the default window Tuesday and Thursday 10-12.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from unit.communication_service.fakes import START, FakeContext

from communication_service.domain.calls import CallPurpose
from communication_service.domain.follow_ups import CallAction, CallPlan, CallRules
from communication_service.domain.requests import RequestState
from communication_service.domain.slots import SlotRules
from communication_service.services.call_jobs import (
    first_contact,
    follow_up_email,
    place_unslotted,
    run_follow_ups,
)
from shared.events.communication import CallScheduled

THERAPIST = 7
DUE = START + timedelta(days=7)
NEXT_MONDAY_10 = datetime(2026, 2, 9, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
THURSDAYS = {"thu": ["10:00-12:00"]}


def sent_email_context(**therapist) -> tuple[FakeContext, int]:
    ctx = FakeContext()
    ctx.uow.add_therapist(THERAPIST, **therapist)
    ctx.uow.add_request(100, THERAPIST)
    ctx.uow.add_request(101, THERAPIST)
    return ctx, ctx.uow.add_sent_email(THERAPIST, [100, 101], START)


def follow_up(ctx: FakeContext, email_id: int, now: datetime = DUE) -> str:
    return follow_up_email(ctx.uow, email_id, now, ctx.call_rules, ctx.default_window)


def test_an_unanswered_email_gets_one_follow_up_call_in_the_first_free_slot():
    ctx, email_id = sent_email_context()
    assert follow_up(ctx, email_id) == "scheduled"
    [call] = ctx.uow.tables.calls.values()
    assert (call["purpose"], call["email_id"], call["attempt"]) == ("follow_up", email_id, 1)
    assert call["slot_start"] == NEXT_MONDAY_10 and not call["flagged_for_staff"]
    assert ctx.uow.calls.carried_ids(call["id"]) == [100, 101]
    [event] = ctx.uow.events.of(CallScheduled)
    assert (event.placement_request_ids, event.scheduled_for) == ([100, 101], NEXT_MONDAY_10)
    [attempt] = [row for row in ctx.uow.tables.ledger if row["channel"] == "phone"]
    assert (attempt["kind"], attempt["blocks_from"]) == ("follow_up", NEXT_MONDAY_10)
    assert attempt["blocks_until"] == NEXT_MONDAY_10 + timedelta(minutes=5)


def test_before_follow_up_after_days_nothing_is_booked_and_never_twice_after():
    ctx, email_id = sent_email_context()
    assert follow_up(ctx, email_id, DUE - timedelta(minutes=1)) == "not_due"
    assert ctx.uow.tables.calls == {}
    assert follow_up(ctx, email_id) == "scheduled"
    assert follow_up(ctx, email_id, DUE + timedelta(days=1)) == "not_due"
    assert len(ctx.uow.tables.calls) == 1 and len(ctx.uow.events.recorded) == 1


def test_a_therapist_in_cooling_or_opted_out_gets_no_call():
    ctx, email_id = sent_email_context()
    ctx.uow.cooling.store(THERAPIST, 900, START, START + timedelta(days=28))
    assert follow_up(ctx, email_id) == "cooling"
    other, other_email = sent_email_context(opted_out=True)
    assert follow_up(other, other_email) == "opted_out"
    assert ctx.uow.tables.calls == {} and other.uow.tables.calls == {}


def test_a_slot_booked_concurrently_is_planned_again_into_the_next_slot():
    ctx, email_id = sent_email_context()
    ctx.uow.calls.booked_elsewhere.add(NEXT_MONDAY_10)
    assert follow_up(ctx, email_id) == "scheduled"
    [call] = ctx.uow.tables.calls.values()
    assert call["slot_start"] == NEXT_MONDAY_10 + timedelta(minutes=5)
    assert len([row for row in ctx.uow.tables.ledger if row["channel"] == "phone"]) == 1


def test_without_phone_hours_the_default_window_is_used_and_staff_are_told():
    ctx, email_id = sent_email_context(phone_hours={})
    assert follow_up(ctx, email_id) == "scheduled"
    [call] = ctx.uow.tables.calls.values()
    assert call["slot_start"] == datetime(2026, 2, 10, 9, 0, tzinfo=UTC)  # Tuesday 10:00
    assert (call["flagged_for_staff"], call["flag_reason"]) == (True, "default_window")


def test_phone_pending_requests_get_a_first_contact_call_later_ones_join_it():
    ctx = FakeContext()
    ctx.uow.add_therapist(THERAPIST, preferred_channel="phone")
    ctx.uow.add_request(100, THERAPIST, state=RequestState.PHONE_PENDING)
    now = ctx.clock.now()
    assert first_contact(ctx.uow, THERAPIST, now, ctx.call_rules, ctx.default_window) == "scheduled"
    [call] = ctx.uow.tables.calls.values()
    assert call["purpose"] == "first_contact"
    assert call["slot_start"] == datetime(2026, 2, 2, 9, 0, tzinfo=UTC)  # today 10:00 Berlin
    [attempt] = ctx.uow.tables.ledger
    assert attempt["kind"] == "outreach"  # a first-contact call is the therapist's outreach
    ctx.uow.add_request(101, THERAPIST, state=RequestState.PHONE_PENDING)
    assert first_contact(ctx.uow, THERAPIST, now, ctx.call_rules, ctx.default_window) == "joined"
    assert ctx.uow.calls.carried_ids(call["id"]) == [100, 101]
    assert [event.placement_request_ids for event in ctx.uow.events.of(CallScheduled)] == [
        [100],
        [101],
    ]
    assert first_contact(ctx.uow, THERAPIST, now, ctx.call_rules, ctx.default_window) == (
        "nothing_pending"
    )


def test_a_call_without_a_slot_gets_one_when_a_slot_is_free():
    ctx = FakeContext()
    ctx.uow.add_therapist(THERAPIST)
    ctx.uow.add_request(100, THERAPIST, state=RequestState.PHONE_PENDING)
    no_slot = CallPlan(CallAction.NO_SLOT, 1, flag_for_staff=True, reason="no_slot")
    call_id = ctx.uow.calls.insert(THERAPIST, CallPurpose.FIRST_CONTACT, no_slot, START, None)
    ctx.uow.calls.add_requests(call_id, [100])
    now = ctx.clock.now()
    assert place_unslotted(ctx.uow, call_id, now, ctx.call_rules, ctx.default_window) == (
        "scheduled"
    )
    call = ctx.uow.tables.calls[call_id]
    assert call["slot_start"] == datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
    assert (call["flagged_for_staff"], call["flag_reason"]) == (False, None)
    [event] = ctx.uow.events.of(CallScheduled)
    assert event.call_id == call_id and event.placement_request_ids == [100]
    assert place_unslotted(ctx.uow, call_id, now, ctx.call_rules, ctx.default_window) == (
        "unchanged"
    )


def test_the_follow_ups_job_runs_each_email_and_therapist_in_its_own_transaction():
    ctx, _ = sent_email_context()
    ctx.uow.add_therapist(8, preferred_channel="phone")
    ctx.uow.add_request(200, 8, state=RequestState.PHONE_PENDING)
    ctx.clock.set(DUE)
    counts = run_follow_ups(ctx, ctx.clock.now())
    assert counts == {
        "overdue": {},
        "follow_up": {"scheduled": 1},
        "first_contact": {"scheduled": 1},
        "unslotted": {},
    }
    assert ctx.uow.commits == 2
    assert len(ctx.uow.events.of(CallScheduled)) == 2


def test_the_follow_ups_job_counts_cooling_therapists_without_a_transaction_each():
    ctx, _ = sent_email_context()
    ctx.uow.add_therapist(8, preferred_channel="phone")
    ctx.uow.add_request(200, 8, state=RequestState.PHONE_PENDING)
    for therapist in (THERAPIST, 8):
        ctx.uow.cooling.store(therapist, 900 + therapist, START, START + timedelta(days=28))
    ctx.clock.set(DUE)
    counts = run_follow_ups(ctx, ctx.clock.now())
    assert counts["follow_up"] == {"cooling": 1} and counts["first_contact"] == {"cooling": 1}
    assert ctx.uow.commits == 0 and ctx.uow.tables.calls == {}


CORPUS_CHRISTI = datetime(2026, 6, 4, 8, 0, tzinfo=UTC)  # Fronleichnam, Thursday 10:00 in Berlin


def test_a_follow_up_call_skips_the_holidays_of_the_practices_federal_state():
    """Issue 16 item 9: Fronleichnam is a holiday in NRW, not in Berlin. Before the practice's
    postal code reached the slot finder, only nationwide holidays were skipped and the practice
    in Aachen got its call on Fronleichnam (this test failed)."""
    booked = {}
    for therapist_id, postal_code in ((7, "52062"), (8, "10115")):
        ctx = FakeContext(call_rules=CallRules(slots=SlotRules()))  # holidays on, no region
        ctx.uow.add_therapist(therapist_id, postal_code=postal_code, phone_hours=THURSDAYS)
        ctx.uow.add_request(100, therapist_id)
        sent_at = CORPUS_CHRISTI - timedelta(days=8)
        email_id = ctx.uow.add_sent_email(therapist_id, [100], sent_at)
        now = sent_at + timedelta(days=7)
        assert follow_up_email(ctx.uow, email_id, now, ctx.call_rules, None) == "scheduled"
        [call] = ctx.uow.tables.calls.values()
        booked[postal_code] = call["slot_start"]
    assert booked["10115"] == CORPUS_CHRISTI
    assert booked["52062"] == CORPUS_CHRISTI + timedelta(days=7)
