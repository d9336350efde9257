"""Raw 116117 sub-structures: `tsz` calendar days, `psy` offers, `fs` languages, `kvg`, `fg`."""

from __future__ import annotations

from typing import Any

from scraping_service.domain.hours import (
    OpeningHours,
    kind_of_hours,
    parse_range,
    split_ranges,
    weekday_from_abbreviation,
    weekday_from_date,
)
from scraping_service.domain.offers import (
    Offer,
    is_assumed_language,
    is_barrier_free_hint,
    language_code,
    offers_in,
    sorted_offers,
)
from scraping_service.domain.text import as_list, clean


def fold_opening_hours(tsz: Any) -> OpeningHours:
    """Fold calendar days (both shapes) into weekly ranges; unreadable parts become problems."""
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
    return weekday_from_date(str(day.get("d", ""))) or weekday_from_abbreviation(
        clean(day.get("t"))
    )


def _blocks(day: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = as_list(day.get("tszDesTyps")) or as_list(day.get("typTsz"))
    return [block for block in blocks if isinstance(block, dict)]


def _add_block(hours: OpeningHours, weekday: str, block: dict[str, Any]) -> None:
    kind = kind_of_hours(clean(block.get("typ")))
    if kind is None:
        hours.problems.append(f"tsz: unknown type {_show(block.get('typ'))}")
        return
    for text in _range_texts(block):
        window = parse_range(text)
        if window is None:
            hours.problems.append(f"tsz: unreadable time {text!r} on {weekday}")
        else:
            hours.add(kind, weekday, window)


def _range_texts(block: dict[str, Any]) -> list[str]:
    texts: list[str] = []
    for entry in as_list(block.get("sprechzeiten")):
        raw = entry.get("zeit", entry.get("z")) if isinstance(entry, dict) else entry
        text = clean(raw)
        if text:
            texts.extend(split_ranges(text))
    return texts


def offers_from(psy: Any) -> tuple[list[Offer], list[str]]:
    """Offers named by the `psy` strings; one naming a procedure but no age group is a problem."""
    offers: list[Offer] = []
    problems: list[str] = []
    for raw in as_list(psy):
        found = offers_in(clean(raw) or "")
        if found is None:
            problems.append(f"psy: no age group in {raw!r}")
        else:
            offers.extend(found)
    return sorted_offers(offers), problems


def languages_from(fs: Any) -> tuple[list[str], list[str]]:
    """German names ("Englisch") → sorted ISO 639-1 codes; German itself is assumed."""
    codes: set[str] = set()
    problems: list[str] = []
    for raw in as_list(fs):
        name = (clean(_value(raw)) or "").lower()
        if is_assumed_language(name):
            continue
        code = language_code(name)
        if code is None:
            problems.append(f"fs: unknown language {raw!r}")
        else:
            codes.add(code)
    return sorted(codes), problems


def barrier_free(kvg: Any) -> bool:
    """True if a "Barrierefreiheit" hint says wheelchair-accessible, step-free or the like."""
    for group in as_list(kvg):
        if not isinstance(group, dict) or "barriere" not in str(group.get("heading", "")).lower():
            continue
        for value in as_list(group.get("values")):
            if is_barrier_free_hint(clean(_value(value)) or ""):
                return True
    return False


def fachgebiete(fg: Any) -> list[str]:
    """Specialty names from `fg` given as strings or as `{"value": ...}` objects."""
    return [text for text in (clean(_value(value)) for value in as_list(fg)) if text]


def _value(raw: Any) -> Any:
    return raw.get("value") if isinstance(raw, dict) else raw


def _show(value: Any) -> str:
    return repr(value)[:60]
