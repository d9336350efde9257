"""Weekly windows: parsing, validation, normalisation, union and overlap minutes."""

import pytest

from shared import weekly_windows as ww


def test_valid_windows_are_normalised_in_weekday_order_and_sorted():
    raw = {"wed": ["14:00-15:30"], "mon": ["14:00-15:30", " 09:00 - 12:00 "], "tue": []}
    assert ww.normalise(raw) == {"mon": ["09:00-12:00", "14:00-15:30"], "wed": ["14:00-15:30"]}


def test_none_and_empty_mean_no_windows():
    assert ww.normalise(None) == {}
    assert ww.normalise({}) == {}


@pytest.mark.parametrize(
    "text",
    [
        "9:00-12:00",
        "09:00-12",
        "09:60-10:00",
        "25:00-26:00",
        "24:30-24:45",
        "09:00_12:00",
        "",
        "abc",
    ],
)
def test_malformed_ranges_are_rejected(text):
    with pytest.raises(ww.WindowError) as info:
        ww.parse({"mon": [text]})
    assert "mon" in info.value.errors


@pytest.mark.parametrize("text", ["12:00-09:00", "09:00-09:00"])
def test_start_must_be_before_end(text):
    with pytest.raises(ww.WindowError, match="start must be before end"):
        ww.parse({"mon": [text]})


def test_overlapping_windows_on_one_day_are_rejected():
    with pytest.raises(ww.WindowError, match="overlaps"):
        ww.parse({"fri": ["09:00-12:00", "11:59-13:00"]})


def test_touching_windows_do_not_overlap():
    assert ww.normalise({"fri": ["10:00-11:00", "09:00-10:00"]}) == {
        "fri": ["09:00-10:00", "10:00-11:00"]
    }


def test_unknown_weekday_keys_are_rejected_with_the_key_named():
    with pytest.raises(ww.WindowError) as info:
        ww.parse({"monday": ["09:00-10:00"], "mo": ["09:00-10:00"]})
    assert set(info.value.errors) == {"monday", "mo"}


@pytest.mark.parametrize("raw", [["09:00-10:00"], "mon", {"mon": "09:00-10:00"}, {"mon": 5}])
def test_wrong_shapes_are_rejected(raw):
    with pytest.raises(ww.WindowError):
        ww.parse(raw)


def test_end_of_day_may_be_24_00():
    assert ww.total_minutes({"sun": ["23:00-24:00"]}) == 60


def test_overlap_minutes_sum_over_days():
    patient = {"mon": ["09:00-12:00"], "tue": ["08:00-09:00", "17:00-19:00"]}
    therapist = {"mon": ["11:00-13:00"], "tue": ["08:30-18:00"], "wed": ["08:00-18:00"]}
    assert ww.overlap_minutes(patient, therapist) == 60 + 30 + 60
    assert ww.overlap_minutes(therapist, patient) == 150


def test_overlap_boundary_59_versus_60_minutes():
    therapist = {"thu": ["10:00-12:00"]}
    assert ww.overlap_minutes({"thu": ["09:01-11:00"]}, therapist) == 60
    assert ww.overlap_minutes({"thu": ["11:01-13:00"]}, therapist) == 59


def test_touching_windows_share_no_minutes():
    assert ww.overlap_minutes({"mon": ["09:00-10:00"]}, {"mon": ["10:00-11:00"]}) == 0
    assert ww.overlap_minutes({}, {"mon": ["10:00-11:00"]}) == 0


def test_union_folds_calendar_days_and_joins_overlaps():
    week1 = {"mon": ["08:00-08:50", "12:30-13:00"]}
    week2 = {"mon": ["08:30-09:00"], "wed": ["14:00-14:50"]}
    assert ww.union(week1, week2) == {"mon": ["08:00-09:00", "12:30-13:00"], "wed": ["14:00-14:50"]}


def test_contains_is_start_inclusive_end_exclusive():
    windows = {"mon": ["09:00-10:00"]}
    assert ww.contains(windows, "mon", 9 * 60)
    assert not ww.contains(windows, "mon", 10 * 60)
    assert not ww.contains(windows, "tue", 9 * 60)
