"""Text cleaning shared by the parsing rules."""

from __future__ import annotations

import re
from typing import Any

PLACEHOLDERS = frozenset({"null", "none", "undefined", "-", "n/a", "k.a."})
_SPACES = re.compile(r"\s+")
_HYPHEN = re.compile(r"\s*-\s*")


def clean(value: Any) -> str | None:
    """Trimmed text with single spaces; None for empty values and placeholders like "null"."""
    if value is None or isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = _SPACES.sub(" ", str(value)).strip()
    if not text or text.lower() in PLACEHOLDERS:
        return None
    return text


def clean_name(value: Any) -> str | None:
    """Like `clean`, but no placeholder list: "Null", "None" or "Van" are real surnames, so a
    name is missing only when the value is absent or blank."""
    if value is None or isinstance(value, bool) or not isinstance(value, str):
        return None
    return _SPACES.sub(" ", value).strip() or None


def tighten_hyphens(text: str) -> str:
    """`"Tietz -Roder"` → `"Tietz-Roder"` (stray spaces around hyphens)."""
    return _HYPHEN.sub("-", text).strip("-").strip()


def as_list(value: Any) -> list[Any]:
    """A list for list values, [] for anything else (missing, null, a lone string)."""
    return list(value) if isinstance(value, list) else []
