"""`tsz` calendar days (both shapes) → phone and consultation hours per weekday."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .text import as_list, clean

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


def fold_opening_hours(tsz: Any) -> OpeningHours:
    """Fold calendar days into weekly ranges by weekday; unreadable parts become problems."""
    hours = OpeningHours()
    for day in as_list(tsz):
        weekday = weekday_of(day)
        if weekday is None:
            hours.problems.append(f"tsz: unreadable day {_show(day)}")
            continue
        for block in _blocks(day):
            _add_block(hours, weekday, block)
    return hours


def weekday_of(day: Any) -> str | None:
    """`mon`..`sun` from an ISO date `d` (newer shape) or the abbreviation `t` ("Mo.")."""
    if not isinstance(day, dict):
        return None
    try:
        return WEEKDAYS[date.fromisoformat(str(day.get("d", ""))).weekday()]
    except ValueError:
        abbreviation = (clean(day.get("t")) or "").rstrip(".").lower()[:2]
        return _ABBREVIATIONS.get(abbreviation)


def _blocks(day: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = as_list(day.get("tszDesTyps")) or as_list(day.get("typTsz"))
    return [b for b in blocks if isinstance(b, dict)]


def _add_block(hours: OpeningHours, weekday: str, block: dict[str, Any]) -> None:
    kind = (clean(block.get("typ")) or "").lower()
    if kind in PHONE_TYPES:
        target = hours.phone
    elif kind in CONSULTATION_TYPES:
        target = hours.consultation
    else:
        hours.problems.append(f"tsz: unknown type {_show(block.get('typ'))}")
        return
    for text in _range_texts(block):
        parsed = parse_range(text)
        if parsed is None:
            hours.problems.append(f"tsz: unreadable time {text!r} on {weekday}")
        elif parsed not in target.setdefault(weekday, []):
            target[weekday].append(parsed)


def _range_texts(block: dict[str, Any]) -> list[str]:
    texts: list[str] = []
    for entry in as_list(block.get("sprechzeiten")):
        raw = entry.get("zeit", entry.get("z")) if isinstance(entry, dict) else entry
        text = clean(raw)
        if text:
            texts.extend(t for t in _SEPARATORS.split(text) if t)
    return texts


def parse_range(text: str) -> str | None:
    """`"8:00 - 12:00"` → `"08:00-12:00"`; None unless it is a valid range within one day."""
    match = _RANGE.match(text.strip())
    if match is None:
        return None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if m1 > 59 or m2 > 59 or end > 24 * 60 or start >= end:
        return None
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


def _show(value: Any) -> str:
    return repr(value)[:60]
