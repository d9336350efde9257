"""Weekly time windows `{"mon": ["09:00-12:00"], ...}`: parse, validate, normalise, overlap."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60

_RANGE = re.compile(r"^\s*(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})\s*$")

Interval = tuple[int, int]
Parsed = dict[str, list[Interval]]
WeeklyWindows = dict[str, list[str]]


class WindowError(ValueError):
    """Invalid weekly windows; `errors` maps a weekday (or `_`) to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))


def parse_range(text: str) -> Interval:
    """`"09:00-12:30"` → (540, 750) in minutes after midnight; raise ValueError if invalid."""
    match = _RANGE.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"'{text}' is not HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = _minute(h1, m1, text), _minute(h2, m2, text)
    if start >= end:
        raise ValueError(f"'{text}': start must be before end")
    return start, end


def _minute(hour: int, minute: int, text: str) -> int:
    if minute > 59 or hour > 24 or (hour == 24 and minute != 0):
        raise ValueError(f"'{text}' has an invalid time")
    return hour * 60 + minute


def format_range(interval: Interval) -> str:
    """(540, 750) → `"09:00-12:30"`."""
    (h1, m1), (h2, m2) = divmod(interval[0], 60), divmod(interval[1], 60)
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


def parse(raw: Any) -> Parsed:
    """Validate a weekly-windows mapping; return sorted minute intervals per weekday."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise WindowError({"_": ["must be an object keyed by weekday (mon..sun)"]})
    errors: dict[str, list[str]] = {}
    parsed: Parsed = {}
    for day, ranges in raw.items():
        try:
            parsed[_weekday(day)] = _day_intervals(ranges)
        except ValueError as exc:
            errors.setdefault(str(day), []).append(str(exc))
    if errors:
        raise WindowError(errors)
    return {day: parsed[day] for day in WEEKDAYS if parsed.get(day)}


def _weekday(day: Any) -> str:
    if day not in WEEKDAYS:
        raise ValueError(f"unknown weekday (use {', '.join(WEEKDAYS)})")
    return str(day)


def _day_intervals(ranges: Any) -> list[Interval]:
    if isinstance(ranges, str) or not isinstance(ranges, Iterable):
        raise ValueError("must be a list of 'HH:MM-HH:MM' strings")
    intervals = sorted(parse_range(text) for text in ranges)
    for before, after in zip(intervals, intervals[1:], strict=False):
        if after[0] < before[1]:
            raise ValueError(f"{format_range(before)} overlaps {format_range(after)}")
    return intervals


def normalise(raw: Any) -> WeeklyWindows:
    """Validated canonical form: weekday order, sorted, `HH:MM-HH:MM`, empty days dropped."""
    return to_text(parse(raw))


def to_text(parsed: Parsed) -> WeeklyWindows:
    """Minute intervals back to the text form."""
    return {day: [format_range(i) for i in parsed[day]] for day in WEEKDAYS if parsed.get(day)}


def union(*window_sets: Any) -> WeeklyWindows:
    """Merge several window sets (e.g. calendar days folded by weekday); overlaps are joined."""
    merged: dict[str, list[Interval]] = {}
    for windows in window_sets:
        for day, intervals in _parse_lenient(windows).items():
            merged.setdefault(day, []).extend(intervals)
    return to_text({day: _join(intervals) for day, intervals in merged.items()})


def _parse_lenient(raw: Any) -> Parsed:
    """Like `parse`, but overlapping ranges within a day are allowed (they get joined)."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise WindowError({"_": ["must be an object keyed by weekday (mon..sun)"]})
    try:
        return {_weekday(d): [parse_range(t) for t in _as_list(r)] for d, r in raw.items()}
    except ValueError as exc:
        raise WindowError({"_": [str(exc)]}) from exc


def _as_list(ranges: Any) -> list[Any]:
    if isinstance(ranges, str) or not isinstance(ranges, Iterable):
        raise ValueError("must be a list of 'HH:MM-HH:MM' strings")
    return list(ranges)


def _join(intervals: list[Interval]) -> list[Interval]:
    joined: list[Interval] = []
    for start, end in sorted(intervals):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def total_minutes(raw: Any) -> int:
    """Minutes per week covered by a window set."""
    return sum(end - start for intervals in parse(raw).values() for start, end in intervals)


def overlap_minutes(a: Any, b: Any) -> int:
    """Minutes per week that two window sets have in common."""
    left, right = parse(a), parse(b)
    return sum(_day_overlap(left.get(day, []), right.get(day, [])) for day in WEEKDAYS)


def _day_overlap(left: list[Interval], right: list[Interval]) -> int:
    total, i, j = 0, 0, 0
    while i < len(left) and j < len(right):
        total += max(0, min(left[i][1], right[j][1]) - max(left[i][0], right[j][0]))
        if left[i][1] <= right[j][1]:
            i += 1
        else:
            j += 1
    return total


def contains(raw: Any, weekday: str, minute: int) -> bool:
    """True if `minute` after midnight on `weekday` lies inside a window (start inclusive)."""
    return any(start <= minute < end for start, end in parse(raw).get(weekday, []))
