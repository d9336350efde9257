"""Person names: title split off, stray spaces, particles; gender from code or salutation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .text import clean, clean_name, tighten_hyphens

PARTICLES = frozenset(
    {
        "von",
        "van",
        "de",
        "der",
        "den",
        "del",
        "della",
        "di",
        "da",
        "du",
        "zu",
        "zum",
        "zur",
        "vom",
        "ter",
        "ten",
        "la",
        "le",
        "af",
        "dos",
    }
)
_TITLE_WORDS = frozenset({"dr", "prof", "pd", "msc", "bsc", "ma", "phd", "dipl", "med", "phil"})
_GENDERS = {"w": "female", "f": "female", "m": "male", "d": "diverse", "x": "diverse"}
_SALUTATIONS = {"frau": "female", "herr": "male"}


@dataclass(frozen=True)
class PersonName:
    """A cleaned name; `last` is None when the source had no usable surname."""

    salutation: str | None
    title: str | None
    first: str | None
    last: str | None


def parse_person(salutation: Any, title: Any, first_name: Any, full_name: Any) -> PersonName:
    """Split `full_name` ("Dr. Miriam von Testfeld") into title, first and last name."""
    full = _words(full_name)
    title_words = _words(title) or _leading_titles(full)
    rest = _strip_prefix(full, title_words) if title_words else _drop_titles(full)
    first_words = _words(first_name)
    if first_words and rest[: len(first_words)] == first_words and len(rest) > len(first_words):
        last_words = rest[len(first_words) :]
    elif first_words:
        last_words = rest
    else:
        first_words, last_words = _split_first_last(rest)
    return PersonName(
        clean(salutation),
        " ".join(title_words) or None,
        _join_name(first_words, particles=False),
        _join_name(last_words),
    )


def _words(value: Any) -> list[str]:
    text = clean_name(value)
    return tighten_hyphens(text).split(" ") if text else []


def _leading_titles(words: list[str]) -> list[str]:
    count = 0
    while count < len(words) - 1 and _is_title(words[count]):
        count += 1
    return words[:count]


def _is_title(word: str) -> bool:
    """`Dr.`, `med.`, `Dipl.-Psych.`, `M.Sc.`, `PD`: abbreviations end with a dot."""
    return word.endswith(".") or ".-" in word or word.lower() in _TITLE_WORDS


def _strip_prefix(words: list[str], prefix: list[str]) -> list[str]:
    if [w.lower() for w in words[: len(prefix)]] == [p.lower() for p in prefix]:
        return words[len(prefix) :]
    return _drop_titles(words)


def _drop_titles(words: list[str]) -> list[str]:
    return words[len(_leading_titles(words)) :]


def _split_first_last(words: list[str]) -> tuple[list[str], list[str]]:
    """No first name given: the surname starts at the first particle, else it is the last word."""
    for position, word in enumerate(words[:-1]):
        if position > 0 and word.lower() in PARTICLES:
            return words[:position], words[position:]
    return words[:-1], words[-1:]


def _join_name(words: list[str], particles: bool = True) -> str | None:
    """Particles lower-case unless they end the name; all-capitals words in title case."""
    out = []
    for position, word in enumerate(words):
        if particles and word.lower() in PARTICLES and position < len(words) - 1:
            out.append(word.lower())
        else:
            out.append(_fix_case(word))
    text = " ".join(out)
    return text or None


def _fix_case(word: str) -> str:
    if len(word) > 1 and word.isupper():
        return "-".join(part.capitalize() for part in word.split("-"))
    return word


def gender_of(gender_code: Any, salutation: Any, specialties: list[str]) -> str:
    """Gender from its code (W/M/D), else the salutation, else a feminine specialty name."""
    code = (clean(gender_code) or "").lower()[:1]
    if code in _GENDERS:
        return _GENDERS[code]
    greeting = (clean(salutation) or "").lower()
    if greeting in _SALUTATIONS:
        return _SALUTATIONS[greeting]
    if any(specialty.lower().endswith("therapeutin") for specialty in specialties):
        return "female"
    return "unspecified"
