"""How the console writes the services' values for people: German dates and times in
Europe/Berlin, names with their title. Registered once for every template (app.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask

BERLIN = ZoneInfo("Europe/Berlin")
NOTHING = "–"


def moment_of(value: Any) -> datetime | None:
    """An ISO instant (or datetime) in Europe/Berlin; None when it does not parse."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    return moment.astimezone(BERLIN) if moment.tzinfo else moment


def when(value: Any) -> str:
    """An ISO instant as `04.12.2026 09:30` (Europe/Berlin); what does not parse stays."""
    if not value:
        return NOTHING
    moment = moment_of(value)
    return moment.strftime("%d.%m.%Y %H:%M") if moment else str(value)


def day(value: Any) -> str:
    """An ISO date (or the Berlin day of an instant) as `04.12.2026`."""
    if not value:
        return NOTHING
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime("%d.%m.%Y")
    text = str(value)
    if len(text) == 10:
        try:
            return date.fromisoformat(text).strftime("%d.%m.%Y")
        except ValueError:
            return text
    moment = moment_of(text)
    return moment.strftime("%d.%m.%Y") if moment else text


def clock_time(value: Any) -> str:
    """The Berlin time of day of an instant, `09:30`."""
    moment = moment_of(value) if value else None
    return moment.strftime("%H:%M") if moment else NOTHING


def full_name(person: dict[str, Any] | None) -> str:
    """Title, first and last name; an erased person has none."""
    if not person:
        return ""
    parts = (person.get("title"), person.get("first_name"), person.get("last_name"))
    return " ".join(str(part) for part in parts if part) or "(gelöscht)"


def register(app: Flask) -> None:
    app.add_template_filter(day, "de_date")
    app.add_template_filter(when, "de_datetime")
    app.add_template_global(when, "when")
    app.add_template_global(day, "day")
    app.add_template_global(full_name, "full_name")
