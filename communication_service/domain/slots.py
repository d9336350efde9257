"""Pure phone-call slot finder: aligned slots inside weekly phone hours (Europe/Berlin, DST-safe).

Windows are local wall-clock times. Each local slot is converted with zoneinfo: a slot in the
spring-forward gap does not exist and is skipped; in the repeated autumn hour only the first
occurrence (summer time) is offered, so no wall-clock slot appears twice. Results are aware UTC.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from communication_service.domain.regions import federal_state
from shared import rules
from shared.weekly_windows import WEEKDAYS, Interval, Parsed, parse

BERLIN = ZoneInfo("Europe/Berlin")
COUNTRY = "DE"
ONE_MINUTE = timedelta(minutes=1)

RawWindows = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class SlotRules:
    """The scheduling numbers of docs/domain.md step 5 (settings pass their values in)."""

    slot_minutes: int = rules.CALL_SLOT_MINUTES
    horizon_days: int = rules.CALL_HORIZON_DAYS
    skip_holidays: bool = True
    holiday_region: str | None = None  # Bundesland code such as "NW"; None: national holidays

    def for_postal_code(self, postal_code: str | None) -> SlotRules:
        """These rules with the holidays of the practice's Bundesland (from its postal code);
        an unknown code keeps the configured `holiday_region`."""
        state = federal_state(postal_code)
        return self if state is None else replace(self, holiday_region=state)

    @property
    def slot(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)

    @property
    def horizon(self) -> timedelta:
        return timedelta(days=self.horizon_days)


@dataclass(frozen=True)
class SlotChoice:
    """A free slot; `used_default_window`: the therapist has no phone hours (flag for staff)."""

    start: datetime
    used_default_window: bool = False


def effective_windows(phone_hours: Any, default_window: Any = None) -> tuple[Parsed, bool]:
    """The parsed windows to use and whether they are the default window (no phone hours)."""
    own = parse(phone_hours)
    if own:
        return own, False
    default = parse(default_window)
    return default, bool(default)


def find_slot(
    phone_hours: Any,
    booked: Iterable[datetime],
    now: datetime,
    rules: SlotRules = SlotRules(),
    default_window: Any = None,
    not_before: datetime | None = None,
) -> SlotChoice | None:
    """The earliest free slot strictly after `now` (and at or after `not_before`) in the horizon."""
    windows, used_default = effective_windows(phone_hours, default_window)
    if not windows:
        return None
    slots = free_slots_between(windows, booked, now, now + rules.horizon, rules, not_before)
    first = next(slots, None)
    return SlotChoice(first, used_default) if first is not None else None


def free_slots_between(
    windows: Parsed,
    booked: Iterable[datetime],
    after: datetime,
    before: datetime,
    rules: SlotRules,
    not_before: datetime | None = None,
) -> Iterator[datetime]:
    """Free slot starts with `after` < start < `before` (and start ≥ `not_before`), in order."""
    taken = sorted(_utc(start) for start in booked)
    after, before = _utc(after), _utc(before)
    floor = max(after, _utc(not_before)) if not_before is not None else after
    for day in _local_days(after, before):
        for start in _day_slots(windows, day, rules):
            if start >= before:
                return
            if start > after and start >= floor and _is_free(start, taken, rules.slot):
                yield start


def free_slots_on(
    day: date,
    phone_hours: Any,
    booked: Iterable[datetime],
    rules: SlotRules = SlotRules(),
    default_window: Any = None,
) -> list[datetime]:
    """All free slot starts (aware UTC) of one local calendar day, in order (for call lists)."""
    windows, _ = effective_windows(phone_hours, default_window)
    taken = sorted(_utc(start) for start in booked)
    slots = _day_slots(windows, day, rules)
    return [start for start in slots if _is_free(start, taken, rules.slot)]


def window_end(phone_hours: Any, at: datetime, default_window: Any = None) -> datetime | None:
    """The UTC end of the window holding the instant `at` (start inclusive), or None."""
    windows, _ = effective_windows(phone_hours, default_window)
    local = _utc(at).astimezone(BERLIN)
    minute = local.hour * 60 + local.minute
    for start, end in windows.get(WEEKDAYS[local.weekday()], []):
        if start <= minute < end:
            return _end_instant(local.date(), end)
    return None


def is_holiday(day: date, region: str | None = None) -> bool:
    """True on a German public holiday (national, plus the Bundesland's when `region` is set)."""
    return day in _holidays(region, day.year)


@lru_cache(maxsize=64)
def _holidays(region: str | None, year: int) -> frozenset[date]:
    try:
        calendar = holidays.country_holidays(COUNTRY, subdiv=region, years=year)
    except NotImplementedError as exc:
        raise ValueError(f"unknown holiday region {region!r}") from exc
    return frozenset(calendar.keys())


def _day_slots(windows: Parsed, day: date, rules: SlotRules) -> tuple[datetime, ...]:
    """Every slot start of one local day that exists and lies wholly inside its window."""
    day_windows = tuple(windows.get(WEEKDAYS[day.weekday()], ()))
    if not day_windows:
        return ()
    return _slots_of_day(
        day_windows, day, rules.slot_minutes, rules.skip_holidays, rules.holiday_region
    )


@lru_cache(maxsize=8192)
def _slots_of_day(
    day_windows: tuple[Interval, ...],
    day: date,
    slot_minutes: int,
    skip_holidays: bool,
    region: str | None,
) -> tuple[datetime, ...]:
    """The slot starts of one day's windows (a pure function of its arguments: kept, since the
    call scheduler asks the same days again for every call it plans)."""
    if skip_holidays and is_holiday(day, region):
        return ()
    found = []
    for window in day_windows:
        for minute in range(window[0], window[1] - slot_minutes + 1, slot_minutes):
            slot = _wall_to_utc(day, minute)
            if slot is not None and _inside(slot, day, window, slot_minutes):
                found.append(slot)
    return tuple(found)


def _inside(start: datetime, day: date, window: Interval, slot_minutes: int) -> bool:
    """Every minute of the slot reads inside the window on the wall clock (no run across a jump)."""
    low, high = _wall(day, window[0]), _wall(day, window[1])
    last = start + timedelta(minutes=slot_minutes - 1)
    if start.astimezone(BERLIN).utcoffset() == last.astimezone(BERLIN).utcoffset():
        # no clock change inside the slot: the readings run evenly from the first to the last
        return low <= _reading(start) and _reading(last) < high
    instants = (start + timedelta(minutes=offset) for offset in range(slot_minutes))
    return all(low <= _reading(instant) < high for instant in instants)


def _wall_to_utc(day: date, minute: int) -> datetime | None:
    """Local wall-clock time → UTC (first occurrence); None inside the spring-forward gap."""
    instant = _instant(day, minute)
    return instant if _reading(instant) == _wall(day, minute) else None


def _end_instant(day: date, minute: int) -> datetime:
    """The first instant whose wall-clock reading reaches `minute` (in a gap: the jump itself)."""
    instant, wall = _instant(day, minute), _wall(day, minute)
    while _reading(instant - ONE_MINUTE) >= wall:
        instant -= ONE_MINUTE
    return instant


def _instant(day: date, minute: int) -> datetime:
    """Local wall-clock time → UTC with fold=0 (gap times use the pre-jump offset)."""
    return _wall(day, minute).replace(tzinfo=BERLIN).astimezone(UTC)


def _wall(day: date, minute: int) -> datetime:
    """Naive local wall-clock time `minute` after the day's midnight (1440: next midnight)."""
    return datetime.combine(day, time()) + timedelta(minutes=minute)


def _reading(instant: datetime) -> datetime:
    """What the Berlin wall clock shows at `instant` (naive)."""
    return instant.astimezone(BERLIN).replace(tzinfo=None)


def _is_free(start: datetime, taken: list[datetime], slot: timedelta) -> bool:
    """No booked slot of the same caller overlaps [start, start + slot)."""
    index = bisect_right(taken, start - slot)
    return index >= len(taken) or taken[index] >= start + slot


def _local_days(after: datetime, before: datetime) -> Iterator[date]:
    day, last = after.astimezone(BERLIN).date(), before.astimezone(BERLIN).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


def _utc(when: datetime) -> datetime:
    """Aware UTC; naive datetimes are taken as UTC (like shared.clock.ensure_aware)."""
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
