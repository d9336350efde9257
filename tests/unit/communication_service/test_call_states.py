"""Pure call rules: who may record an outcome, what a failed attempt does, first-contact picks."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path

from communication_service.domain.calls import (
    CallPurpose,
    CallState,
    after_not_reached,
    first_contact_ids,
    flag_of,
    outcome_refusal,
    requests_not_in_call,
    retry_base,
)
from communication_service.domain.follow_ups import CallRules, after_failed_call, plan_first_call

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 Berlin
HOURS = {"mon": ["08:00-08:50", "12:30-13:00"], "wed": ["14:00-14:50"]}
ROOT = Path(__file__).resolve().parents[3]
MIGRATION = ROOT / "migrations/communication_service/versions/0003_calls.py"


def test_only_a_scheduled_call_takes_an_outcome():
    assert outcome_refusal("scheduled") is None
    for state in ("completed", "failed", "cancelled"):
        assert outcome_refusal(state) == f"The call is already {state}."


def test_outcomes_for_requests_outside_the_call_are_named():
    assert requests_not_in_call([1, 2], [2, 1]) == []
    assert requests_not_in_call([1, 2], [3, 1, 5]) == [3, 5]


def test_a_failure_recorded_before_the_slot_counts_from_the_slot():
    slot = MONDAY + timedelta(days=7)
    assert retry_base(MONDAY, slot) == slot
    assert retry_base(slot, MONDAY) == slot
    assert retry_base(MONDAY, None) == MONDAY


def test_a_failed_first_attempt_moves_to_the_next_window_as_attempt_two():
    slot = datetime(2026, 3, 2, 11, 30, tzinfo=UTC)  # Monday 12:30 Berlin
    plan = after_failed_call(1, slot, HOURS, [], slot, CallRules())
    change = after_not_reached(plan, False, None)
    assert (change.state, change.attempt, change.final, change.rescheduled) == (
        CallState.SCHEDULED,
        2,
        False,
        True,
    )
    assert change.slot_start == datetime(2026, 3, 4, 13, 0, tzinfo=UTC)  # Wednesday 14:00


def test_the_last_failure_is_final_and_keeps_no_slot():
    plan = after_failed_call(3, MONDAY, HOURS, [], MONDAY, CallRules())
    change = after_not_reached(plan, True, "default_window")
    assert (change.state, change.final, change.slot_start) == (CallState.FAILED, True, None)
    assert change.flagged_for_staff is True


def test_no_window_left_hands_the_call_to_staff_without_a_slot():
    plan = after_failed_call(1, MONDAY, {}, [], MONDAY, CallRules())
    change = after_not_reached(plan, False, None)
    assert (change.state, change.slot_start, change.flagged_for_staff, change.flag_reason) == (
        CallState.SCHEDULED,
        None,
        True,
        "no_slot",
    )
    assert change.rescheduled is False


def test_a_flagged_call_stays_flagged_after_a_retry():
    plan = after_failed_call(1, MONDAY, HOURS, [], MONDAY, CallRules())
    change = after_not_reached(plan, True, "default_window")
    assert change.flagged_for_staff is True and change.flag_reason == "default_window"


def test_a_default_window_call_is_flagged_for_staff():
    plan = plan_first_call({}, [], MONDAY, CallRules(), {"mon": ["10:00-12:00"]})
    assert flag_of(plan) == (True, "default_window")
    assert flag_of(plan_first_call(HOURS, [], MONDAY, CallRules())) == (False, None)


def test_each_phone_pending_request_gets_one_first_contact_call():
    assert first_contact_ids([5, 3, 9], [3, 7]) == [5, 9]
    assert first_contact_ids([3], [3]) == []


def test_the_migration_freezes_the_call_vocabulary():
    spec = importlib.util.spec_from_file_location("comm_0003", MIGRATION)
    frozen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(frozen)
    assert frozen.CALL_STATES == tuple(s.value for s in CallState)
    assert frozen.CALL_PURPOSES == tuple(p.value for p in CallPurpose)
