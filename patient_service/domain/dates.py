"""Dates of a patient: the German calendar day, ages, and dates that cannot be right."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

from patient_service.domain.errors import ImplausibleDates

BERLIN = ZoneInfo("Europe/Berlin")
MAX_AGE_YEARS = 120


def local_today(now: datetime) -> date:
    """The calendar date in Germany at `now` (ages and 'not in the future' use it)."""
    return now.astimezone(BERLIN).date()


def age_on(birth_date: date, today: date) -> int:
    """Completed years on `today`."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


def birth_date_problems(birth_date: date, today: date) -> list[str]:
    """Why a birth date is implausible (empty = fine)."""
    if birth_date > today:
        return ["must not be in the future"]
    if age_on(birth_date, today) > MAX_AGE_YEARS:
        return [f"age must be at most {MAX_AGE_YEARS} years"]
    return []


def not_in_future(when: date, today: date) -> list[str]:
    """A past-only date (last session, consent given) must not lie ahead."""
    return ["must not be in the future"] if when > today else []


def check_dates(problems: dict[str, list[str]]) -> None:
    """Raise ImplausibleDates with the field-level messages when any date check failed."""
    found = {field: messages for field, messages in problems.items() if messages}
    if found:
        raise ImplausibleDates(found)


def birthdays_on(today: date) -> list[tuple[int, int]]:
    """(month, day) of the birth dates whose age changes on `today`: the day itself, and 29
    February on 1 March of a year without it."""
    days = [(today.month, today.day)]
    if (today.month, today.day) == (3, 1) and not calendar.isleap(today.year):
        days.append((2, 29))
    return days
