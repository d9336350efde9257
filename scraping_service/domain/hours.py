"""Opening hours: weekdays, kinds of hours, time ranges, and the weekly ranges they fold into."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ABBREVIATIONS = {
    "mo": "mon",
    "di": "tue",
    "mi": "wed",
    "do": "thu",
    "fr": "fri",
    "sa": "sat",
    "so": "sun",
}
PHONE = "phone"
CONSULTATION = "consultation"
PHONE_TYPES = frozenset({"telefonische erreichbarkeit"})
CONSULTATION_TYPES = frozenset(
    {"sprechstunde", "sprechstunde mit termin", "sprechstunde ohne termin", "offene sprechstunde"}
)
_RANGE = re.compile(
    r"^(\d{1,2})[:.](\d{2})\s*(?:-|–|bis)\s*(\d{1,2})[:.](\d{2})(?:\s*uhr)?$", re.IGNORECASE
)
_SEPARATORS = re.compile(r"\s*(?:;|,|\bund\b)\s*")

Windows = dict[str, list[str]]


@dataclass
class OpeningHours:
    """Ranges per weekday (may overlap; callers join them) and what could not be read."""

    phone: Windows = field(default_factory=dict)
    consultation: Windows = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, kind: str, weekday: str, window: str) -> None:
        """Add one `HH:MM-HH:MM` range of `kind` (phone or consultation), once per weekday."""
        windows = self.phone if kind == PHONE else self.consultation
        if window not in windows.setdefault(weekday, []):
            windows[weekday].append(window)


def weekday_from_date(text: str) -> str | None:
    """`mon`..`sun` of an ISO date ("2026-11-24" → "tue"); None when it is not one."""
    try:
        return WEEKDAYS[date.fromisoformat(text).weekday()]
    except ValueError:
        return None


def weekday_from_abbreviation(text: str | None) -> str | None:
    """`mon`..`sun` from a German abbreviation ("Mo." → "mon"); None when unknown."""
    abbreviation = (text or "").rstrip(".").lower()[:2]
    return _ABBREVIATIONS.get(abbreviation)


def kind_of_hours(type_name: str | None) -> str | None:
    """`phone` or `consultation` for a German type name ("Sprechstunde"); None when unknown."""
    name = (type_name or "").lower()
    if name in PHONE_TYPES:
        return PHONE
    if name in CONSULTATION_TYPES:
        return CONSULTATION
    return None


def split_ranges(text: str) -> list[str]:
    """The range texts of one entry ("8:00-9:00; 14:00-15:00 und 18:00-19:00")."""
    return [part for part in _SEPARATORS.split(text) if part]


def parse_range(text: str) -> str | None:
    """`"8:00 - 12:00"` → `"08:00-12:00"`; None unless it is a valid range within one day."""
    match = _RANGE.match(text.strip())
    if match is None:
        return None
    start_hour, start_minute, end_hour, end_minute = (int(g) for g in match.groups())
    start, end = start_hour * 60 + start_minute, end_hour * 60 + end_minute
    if start_minute > 59 or end_minute > 59 or end > 24 * 60 or start >= end:
        return None
    return f"{start_hour:02d}:{start_minute:02d}-{end_hour:02d}:{end_minute:02d}"
