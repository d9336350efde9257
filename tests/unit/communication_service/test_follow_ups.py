"""Follow-up rules with a fake clock: due after 7 days, one call per e-mail, 3 attempts, expiry."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from communication_service.domain.follow_ups import (
    NO_RESPONSE,
    CallAction,
    CallPlan,
    CallRules,
    SentOutreach,
    after_failed_call,
    due_follow_ups,
    follow_up_blocker,
    follow_up_due_at,
    is_follow_up_due,
    plan_first_call,
)
from communication_service.domain.slots import SlotRules
from shared.clock import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
RULES = CallRules(slots=SlotRules(skip_holidays=False))
SENT_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # Monday
HOURS = {"mon": ["09:00-09:30"], "wed": ["14:00-14:30"]}


def berlin(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A 2026 Berlin wall-clock time as aware UTC."""
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def email(**changes) -> SentOutreach:
    base = SentOutreach(email_id=88, therapist_id=7, sent_at=SENT_AT, open_request_ids=(501, 502))
    return replace(base, **changes)


def test_defaults_are_the_domain_numbers():
    rules = CallRules()
    assert (rules.follow_up_after_days, rules.max_call_attempts) == (7, 3)
    assert (rules.slots.slot_minutes, rules.slots.horizon_days) == (5, 14)
    assert NO_RESPONSE == "no_response"


# when a follow-up call is due


def test_follow_up_is_due_exactly_seven_days_after_sending():
    clock = FakeClock(SENT_AT)
    assert follow_up_due_at(SENT_AT, RULES) == SENT_AT + timedelta(days=7)
    clock.advance(days=6, hours=23, minutes=59)
    assert not is_follow_up_due(email(), clock.now(), RULES)
    assert follow_up_blocker(email(), clock.now(), RULES) == "too_early"
    clock.advance(minutes=1)
    assert is_follow_up_due(email(), clock.now(), RULES)
    clock.advance(days=3)
    assert is_follow_up_due(email(), clock.now(), RULES)


def test_the_waiting_time_is_configurable():
    rules = replace(RULES, follow_up_after_days=3)
    assert is_follow_up_due(email(), SENT_AT + timedelta(days=3), rules)


def test_an_answered_email_gets_no_call():
    late = SENT_AT + timedelta(days=10)
    assert follow_up_blocker(email(answered=True), late, RULES) == "answered"


def test_an_email_with_a_call_never_gets_a_second_one():
    late = SENT_AT + timedelta(days=10)
    assert follow_up_blocker(email(has_follow_up_call=True), late, RULES) == "call_exists"


def test_an_unsent_email_or_one_without_open_requests_gets_no_call():
    late = SENT_AT + timedelta(days=10)
    assert follow_up_blocker(email(sent_at=None), late, RULES) == "not_sent"
    assert follow_up_blocker(email(open_request_ids=()), late, RULES) == "no_open_requests"


def test_due_follow_ups_are_filtered_and_oldest_first():
    now = SENT_AT + timedelta(days=8)
    emails = [
        email(email_id=3, sent_at=SENT_AT + timedelta(hours=2)),
        email(email_id=1, sent_at=SENT_AT + timedelta(days=2)),  # too early
        email(email_id=2, sent_at=SENT_AT),
        email(email_id=4, has_follow_up_call=True),
        email(email_id=5, answered=True),
    ]
    assert [e.email_id for e in due_follow_ups(emails, now, RULES)] == [2, 3]


# scheduling the first call


def test_first_call_goes_to_the_next_phone_hours_slot():
    plan = plan_first_call(HOURS, [], SENT_AT + timedelta(days=7), RULES)
    assert plan == CallPlan(CallAction.SCHEDULE, 1, berlin(1, 14, 14, 0))


def test_first_call_skips_slots_the_caller_has_booked():
    booked = [berlin(1, 14, 14, 0), berlin(1, 14, 14, 5)]
    plan = plan_first_call(HOURS, booked, SENT_AT + timedelta(days=7), RULES)
    assert plan.slot_start == berlin(1, 14, 14, 10)


def test_first_call_without_phone_hours_uses_the_default_window_and_is_flagged():
    plan = plan_first_call({}, [], SENT_AT, RULES, default_window={"tue": ["10:00-12:00"]})
    assert plan.action is CallAction.SCHEDULE and plan.slot_start == berlin(1, 6, 10, 0)
    assert plan.flag_for_staff and plan.reason == "default_window"


def test_no_slot_in_the_horizon_hands_the_call_to_staff():
    plan = plan_first_call({}, [], SENT_AT, RULES)
    assert plan == CallPlan(CallAction.NO_SLOT, 1, flag_for_staff=True, reason="no_slot")


# failed attempts


def test_a_failed_call_moves_to_the_next_window_not_the_next_slot():
    failed_at = berlin(1, 12, 9, 0)
    plan = after_failed_call(
        1, failed_at, HOURS, [failed_at], failed_at + timedelta(minutes=3), RULES
    )
    assert plan == CallPlan(CallAction.SCHEDULE, 2, berlin(1, 14, 14, 0))


def test_attempts_one_to_three_then_the_requests_expire():
    clock = FakeClock(SENT_AT + timedelta(days=7))
    plan = plan_first_call(HOURS, [], clock.now(), RULES)
    slots = []
    for failed in range(1, 4):
        assert plan.action is CallAction.SCHEDULE and plan.attempt == failed
        slots.append(plan.slot_start)
        clock.set(plan.slot_start + timedelta(minutes=2))
        plan = after_failed_call(failed, plan.slot_start, HOURS, slots, clock.now(), RULES)
    assert slots == [berlin(1, 14, 14, 0), berlin(1, 19, 9, 0), berlin(1, 21, 14, 0)]
    assert plan == CallPlan(CallAction.EXPIRE, 3, final=True, reason="max_attempts")


def test_only_the_last_failure_is_final():
    failed_at = berlin(1, 12, 9, 0)
    assert not after_failed_call(2, failed_at, HOURS, [], failed_at, RULES).final
    assert after_failed_call(3, failed_at, HOURS, [], failed_at, RULES).final


def test_the_number_of_attempts_is_configurable():
    failed_at = berlin(1, 12, 9, 0)
    one = replace(RULES, max_call_attempts=1)
    assert after_failed_call(1, failed_at, HOURS, [], failed_at, one).action is CallAction.EXPIRE
    five = replace(RULES, max_call_attempts=5)
    assert after_failed_call(4, failed_at, HOURS, [], failed_at, five).attempt == 5


def test_a_failed_default_window_call_stays_flagged_and_moves_on():
    default = {"tue": ["10:00-10:30"], "thu": ["10:00-10:30"]}
    failed_at = berlin(1, 6, 10, 0)
    plan = after_failed_call(1, failed_at, {}, [failed_at], failed_at, RULES, default)
    assert plan.slot_start == berlin(1, 8, 10, 0) and plan.flag_for_staff


def test_a_retry_with_no_window_left_in_the_horizon_goes_to_staff():
    failed_at = berlin(1, 12, 9, 0)
    short = replace(RULES, slots=SlotRules(horizon_days=1, skip_holidays=False))
    plan = after_failed_call(1, failed_at, HOURS, [], failed_at, short)
    assert plan.action is CallAction.NO_SLOT and plan.attempt == 2 and plan.flag_for_staff
