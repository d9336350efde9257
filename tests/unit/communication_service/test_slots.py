"""Slot finder: phone-hours windows, 5-minute slots, bookings, holidays, DST weeks, horizon."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from communication_service.domain.regions import federal_state
from communication_service.domain.slots import (
    SlotChoice,
    SlotRules,
    find_slot,
    free_slots_between,
    free_slots_on,
    is_holiday,
    window_end,
)
from shared.weekly_windows import WindowError, parse

BERLIN = ZoneInfo("Europe/Berlin")
NO_HOLIDAYS = SlotRules(skip_holidays=False)
MONDAY = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)  # Monday 07:00 in Berlin (winter time)


def berlin(year: int, month: int, day: int, hour: int, minute: int = 0, fold: int = 0) -> datetime:
    """A Berlin wall-clock time as aware UTC."""
    local = datetime(year, month, day, hour, minute, tzinfo=BERLIN, fold=fold)
    return local.astimezone(UTC)


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def first(phone_hours, now=MONDAY, booked=(), rules=NO_HOLIDAYS, **kwargs) -> datetime | None:
    choice = find_slot(phone_hours, booked, now, rules, **kwargs)
    return choice.start if choice else None


# ordinary weeks


def test_a_window_on_one_weekday_only_is_found_on_that_weekday():
    assert first({"wed": ["10:00-11:00"]}) == berlin(2026, 1, 7, 10)


def test_the_result_is_aware_utc_and_flags_no_default():
    choice = find_slot({"mon": ["09:00-12:00"]}, [], MONDAY, NO_HOLIDAYS)
    assert choice == SlotChoice(utc(2026, 1, 5, 8), used_default_window=False)
    assert choice.start.tzinfo is UTC


def test_a_window_shorter_than_a_slot_yields_nothing():
    assert first({"mon": ["09:00-09:04"]}) is None
    assert free_slots_on(date(2026, 1, 5), {"mon": ["09:00-09:04"]}, []) == []
    assert first({"mon": ["09:00-09:04"], "tue": ["09:00-09:05"]}) == berlin(2026, 1, 6, 9)


def test_a_window_holds_only_whole_aligned_slots():
    slots = free_slots_on(date(2026, 1, 5), {"mon": ["09:03-09:17"]}, [], NO_HOLIDAYS)
    assert slots == [berlin(2026, 1, 5, 9, 3), berlin(2026, 1, 5, 9, 8)]


def test_a_booked_slot_of_the_same_caller_is_skipped():
    booked = [berlin(2026, 1, 5, 9, 0)]
    assert first({"mon": ["09:00-12:00"]}, booked=booked) == berlin(2026, 1, 5, 9, 5)


def test_an_unaligned_booking_blocks_every_slot_it_overlaps():
    booked = [berlin(2026, 1, 5, 9, 2)]  # a call of the same caller for another therapist
    assert first({"mon": ["09:00-12:00"]}, booked=booked) == berlin(2026, 1, 5, 9, 10)


def test_a_fully_booked_window_moves_to_the_next_window():
    hours = {"mon": ["09:00-09:15", "14:00-14:30"], "tue": ["09:00-09:15"]}
    booked = [berlin(2026, 1, 5, 9, m) for m in (0, 5, 10)]
    assert first(hours, booked=booked) == berlin(2026, 1, 5, 14, 0)
    booked += [berlin(2026, 1, 5, 14, m) for m in range(0, 30, 5)]
    assert first(hours, booked=booked) == berlin(2026, 1, 6, 9, 0)


def test_free_slots_of_a_day_leave_out_booked_ones_in_order():
    booked = [berlin(2026, 1, 5, 9, 5)]
    slots = free_slots_on(date(2026, 1, 5), {"mon": ["09:00-09:20"]}, booked, NO_HOLIDAYS)
    assert slots == [berlin(2026, 1, 5, 9, m) for m in (0, 10, 15)]


def test_now_inside_a_window_gives_the_next_aligned_slot_after_now():
    hours = {"mon": ["09:00-12:00"]}
    assert first(hours, now=berlin(2026, 1, 5, 9, 7) + timedelta(seconds=30)) == berlin(
        2026, 1, 5, 9, 10
    )
    assert first(hours, now=berlin(2026, 1, 5, 9, 5)) == berlin(2026, 1, 5, 9, 10)


def test_now_after_the_last_slot_moves_to_next_week():
    assert first({"mon": ["09:00-12:00"]}, now=berlin(2026, 1, 5, 11, 55)) == berlin(
        2026, 1, 12, 9, 0
    )


def test_slot_length_is_configurable():
    rules = SlotRules(slot_minutes=15, skip_holidays=False)
    slots = free_slots_on(date(2026, 1, 5), {"mon": ["09:00-09:40"]}, [], rules)
    assert slots == [berlin(2026, 1, 5, 9, m) for m in (0, 15)]


def test_a_sunday_window_is_used_and_a_sunday_without_one_is_skipped():
    assert first({"sun": ["10:00-11:00"]}) == berlin(2026, 1, 11, 10)
    assert first({"sat": ["10:00-11:00"], "mon": ["10:00-11:00"]}, now=berlin(2026, 1, 10, 12)) == (
        berlin(2026, 1, 12, 10)
    )


# the 14-day horizon


def test_nothing_within_the_horizon_gives_none():
    booked = [berlin(2026, 1, 5 + 7 * w, 9, 0) for w in range(3)]
    assert first({"mon": ["09:00-09:05"]}, booked=booked) is None


def test_the_horizon_is_configurable_and_exclusive():
    hours = {"mon": ["09:00-09:05"]}
    now = berlin(2026, 1, 5, 9, 0)
    assert first(hours, now=now) == berlin(2026, 1, 12, 9, 0)
    assert first(hours, now=now, rules=SlotRules(horizon_days=7, skip_holidays=False)) is None
    assert first(hours, now=now - timedelta(minutes=1), rules=SlotRules(horizon_days=7)) == now


def test_not_before_pushes_the_search_past_a_window():
    hours = {"mon": ["09:00-10:00"], "wed": ["09:00-10:00"]}
    end = window_end(hours, berlin(2026, 1, 5, 9, 0))
    assert end == berlin(2026, 1, 5, 10, 0)
    assert first(hours, now=berlin(2026, 1, 5, 9, 1), not_before=end) == berlin(2026, 1, 7, 9)


def test_window_end_is_none_outside_every_window():
    assert window_end({"mon": ["09:00-10:00"]}, berlin(2026, 1, 5, 10, 0)) is None


# holidays


@pytest.mark.parametrize(
    ("holiday", "hours", "next_free"),
    [
        (date(2026, 10, 3), {"sat": ["09:00-10:00"]}, date(2026, 10, 10)),
        # 25 and 26 December are both holidays; the Monday after is not
        (
            date(2026, 12, 25),
            {"fri": ["09:00-10:00"], "sat": ["09:00-10:00"], "mon": ["09:00-10:00"]},
            date(2026, 12, 28),
        ),
    ],
)
def test_a_public_holiday_is_skipped_when_enabled_and_used_when_disabled(holiday, hours, next_free):
    now = berlin(holiday.year, holiday.month, holiday.day, 0, 0) - timedelta(hours=1)
    expected = berlin(next_free.year, next_free.month, next_free.day, 9)
    assert first(hours, now=now, rules=SlotRules()) == expected
    assert first(hours, now=now, rules=NO_HOLIDAYS) == berlin(
        holiday.year, holiday.month, holiday.day, 9
    )
    assert free_slots_on(holiday, hours, [], SlotRules()) == []
    assert len(free_slots_on(holiday, hours, [], NO_HOLIDAYS)) == 12


def test_new_year_after_christmas_can_push_a_friday_window_past_the_horizon():
    hours = {"fri": ["09:00-10:00"]}
    assert first(hours, now=utc(2026, 12, 24, 12), rules=SlotRules()) is None


def test_regional_holidays_depend_on_the_bundesland():
    corpus_christi = date(2026, 6, 4)
    assert is_holiday(corpus_christi, "BY") and is_holiday(corpus_christi, "NW")
    assert not is_holiday(corpus_christi, None) and not is_holiday(corpus_christi, "HH")
    hours = {"thu": ["09:00-10:00"]}
    now = berlin(2026, 6, 3, 12)
    assert first(hours, now=now, rules=SlotRules(holiday_region="BY")) == berlin(2026, 6, 11, 9)
    assert first(hours, now=now, rules=SlotRules(holiday_region="HH")) == berlin(2026, 6, 4, 9)


def test_an_unknown_region_is_refused():
    with pytest.raises(ValueError, match="holiday region"):
        is_holiday(date(2026, 6, 4), "XX")


# daylight saving: 2026-03-29 (spring forward 02:00 → 03:00), 2026-10-25 (03:00 → 02:00)


def test_ordinary_windows_follow_the_wall_clock_across_spring_forward():
    hours = {"mon": ["09:00-12:00"]}
    assert first(hours, now=utc(2026, 3, 23, 6)) == utc(2026, 3, 23, 8)  # CET, UTC+1
    assert first(hours, now=utc(2026, 3, 23, 12)) == utc(2026, 3, 30, 7)  # CEST, UTC+2


def test_ordinary_windows_follow_the_wall_clock_across_fall_back():
    hours = {"mon": ["09:00-12:00"]}
    assert first(hours, now=utc(2026, 10, 19, 6)) == utc(2026, 10, 19, 7)  # CEST
    assert first(hours, now=utc(2026, 10, 19, 12)) == utc(2026, 10, 26, 8)  # CET


def test_a_window_inside_the_spring_gap_has_no_slots_that_day():
    hours = {"sun": ["02:00-03:00"], "mon": ["02:00-03:00"]}
    assert free_slots_on(date(2026, 3, 29), hours, [], NO_HOLIDAYS) == []
    assert first(hours, now=utc(2026, 3, 28, 12)) == berlin(2026, 3, 30, 2, 0)
    assert berlin(2026, 3, 30, 2, 0) == utc(2026, 3, 30, 0, 0)


def test_a_window_around_the_spring_gap_keeps_only_existing_slots():
    slots = free_slots_on(date(2026, 3, 29), {"sun": ["01:30-03:30"]}, [], NO_HOLIDAYS)
    assert len(slots) == 12  # 01:30..01:55 CET and 03:00..03:25 CEST
    assert slots[5] == utc(2026, 3, 29, 0, 55) and slots[6] == utc(2026, 3, 29, 1, 0)
    assert [s.astimezone(BERLIN).hour for s in slots] == [1] * 6 + [3] * 6


def test_a_slot_never_runs_across_the_spring_jump():
    assert free_slots_on(date(2026, 3, 29), {"sun": ["01:58-02:30"]}, [], NO_HOLIDAYS) == []
    slots = free_slots_on(date(2026, 3, 29), {"sun": ["01:50-02:00"]}, [], NO_HOLIDAYS)
    assert slots == [utc(2026, 3, 29, 0, 50), utc(2026, 3, 29, 0, 55)]


def test_the_repeated_autumn_hour_gives_each_slot_once():
    slots = free_slots_on(date(2026, 10, 25), {"sun": ["01:00-04:00"]}, [], NO_HOLIDAYS)
    assert len(slots) == 36 and len(set(slots)) == 36 and slots == sorted(slots)
    assert slots[12] == berlin(2026, 10, 25, 2, 0) == utc(2026, 10, 25, 0, 0)  # summer time
    assert slots[24] == berlin(2026, 10, 25, 3, 0) == utc(2026, 10, 25, 2, 0)  # winter time
    assert berlin(2026, 10, 25, 2, 30, fold=1) not in slots


def test_autumn_slots_stay_inside_their_window():
    hours = {"sun": ["02:00-03:00"], "mon": ["02:00-03:00"]}
    slots = free_slots_on(date(2026, 10, 25), hours, [], NO_HOLIDAYS)
    assert slots == [utc(2026, 10, 25, 0, m) for m in range(0, 60, 5)]
    assert free_slots_on(date(2026, 10, 25), {"sun": ["02:58-03:10"]}, [], NO_HOLIDAYS) == [
        utc(2026, 10, 25, 2, 3)  # 02:58 summer time would run into the repeated 02:00
    ]
    assert first(hours, now=utc(2026, 10, 25, 0, 56)) == berlin(2026, 10, 26, 2, 0)


def test_the_horizon_across_a_dst_change_lists_each_slot_once_in_order():
    hours = {day: ["01:00-04:00"] for day in ("sat", "sun", "mon")}
    after, before = utc(2026, 10, 23, 0), utc(2026, 10, 28, 0)
    slots = list(free_slots_between(parse(hours), [], after, before, NO_HOLIDAYS))
    assert len(slots) == 3 * 36 and slots == sorted(set(slots))


# no phone hours: the default window


def test_without_phone_hours_the_default_window_is_used_and_flagged():
    default = {"mon": ["10:00-12:00"], "tue": ["10:00-12:00"]}
    for empty in (None, {}):
        choice = find_slot(empty, [], MONDAY, NO_HOLIDAYS, default_window=default)
        assert choice == SlotChoice(berlin(2026, 1, 5, 10), used_default_window=True)


def test_own_phone_hours_win_over_the_default_window():
    choice = find_slot({"wed": ["09:00-10:00"]}, [], MONDAY, NO_HOLIDAYS, {"mon": ["10:00-12:00"]})
    assert choice == SlotChoice(berlin(2026, 1, 7, 9), used_default_window=False)


def test_without_phone_hours_and_default_there_is_no_slot():
    assert find_slot({}, [], MONDAY, NO_HOLIDAYS) is None


def test_invalid_phone_hours_are_refused():
    with pytest.raises(WindowError):
        find_slot({"mon": ["12:00-09:00"]}, [], MONDAY)


def test_a_window_ending_inside_the_spring_gap_ends_at_the_jump():
    hours = {"sun": ["01:00-02:30"]}
    assert window_end(hours, utc(2026, 3, 29, 0, 30)) == utc(2026, 3, 29, 1, 0)
    assert window_end(hours, utc(2026, 3, 22, 0, 30)) == berlin(2026, 3, 22, 2, 30)


@pytest.mark.parametrize(
    ("postal_code", "state"),
    [("52062", "NW"), ("10115", "BE"), ("80331", "BY"), ("01067", "SN"), ("28195", "HB")],
)
def test_a_postal_code_names_its_federal_state(postal_code, state):
    assert federal_state(postal_code) == state


def test_an_unknown_postal_code_keeps_the_configured_region():
    rules = SlotRules(holiday_region="BY")
    assert rules.for_postal_code(None) is rules and rules.for_postal_code("x") is rules
    assert rules.for_postal_code("52062").holiday_region == "NW"
    assert is_holiday(date(2026, 11, 1), "NW") and not is_holiday(date(2026, 11, 1), "BE")
