"""The figure functions over hand-made results."""

import pytest

from simulation.results import (
    PatientOutcome,
    StrategyResult,
    contacts_per_placement,
    days_to_placement,
    messages_per_practice,
    most_in_window,
    percentile,
    share_placed_by_week,
    staff_calls_per_working_day,
)

RESULT = StrategyResult(
    "x",
    21,
    (
        PatientOutcome(0, 0, False, 3, emails=2, calls=1),
        PatientOutcome(1, 0, True, 1, emails=1, calls=0),
        PatientOutcome(2, 5, False, 15, emails=3, calls=2),
        PatientOutcome(3, 2, True, None, emails=4, calls=3),
    ),
    practice_messages={0: (0, 10, 27, 28), 1: (3,), 2: ()},
    staff_calls={0: 4, 3: 2},
)


def test_share_placed_by_week_is_cumulative_over_all_patients():
    assert share_placed_by_week(RESULT) == [0.5, 0.5, 0.75]


def test_days_to_placement_overall_urgent_and_others():
    overall = days_to_placement(RESULT)
    assert (overall.count, overall.median, overall.max) == (3, 3, 10)
    assert overall.p90 == pytest.approx(8.6)
    assert days_to_placement(RESULT, urgent=True).median == 1
    assert days_to_placement(RESULT, urgent=False).median == 6.5


def test_contacts_per_placement_count_every_patients_contacts():
    contacts = contacts_per_placement(RESULT)
    assert (contacts.emails, contacts.calls, contacts.total) == (10 / 3, 2.0, 16 / 3)
    empty = StrategyResult("y", 7, (PatientOutcome(0, 0, False),))
    assert contacts_per_placement(empty).total is None


def test_messages_per_practice_use_a_sliding_four_week_window():
    assert most_in_window([0, 10, 27, 28]) == 3
    assert most_in_window([0, 28, 56]) == 1
    load = messages_per_practice(RESULT)
    assert (load.max, load.practices) == (3, 2)
    assert load.p95 == pytest.approx(2.9)


def test_staff_calls_count_quiet_days_as_zero():
    calls = staff_calls_per_working_day(RESULT, [0, 1, 2, 3])
    assert (calls.median, calls.max, calls.count) == (1.0, 4, 4)


def test_percentile_interpolates_and_handles_empty():
    assert percentile([], 50) is None
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 95) == 5
