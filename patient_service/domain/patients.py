"""A patient record as the use cases see it: a row of columns, and the list's filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Row = dict[str, Any]


@dataclass(frozen=True)
class ListFilter:
    """Filters of the patient list."""

    status: str | None = None
    q: str | None = None
    postal_code: str | None = None
    crisis: bool | None = None
    location_status: str | None = None
