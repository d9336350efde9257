"""JSON forms of stored values for documents handed out (the export, the erasure status)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def iso_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """Dates and times as ISO strings, nested lists of dicts included."""
    return {name: _iso(value) for name, value in row.items()}


def _iso(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return [iso_values(item) if isinstance(item, dict) else _iso(item) for item in value]
    return value
