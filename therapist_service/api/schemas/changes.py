"""The change history: its query parameters, one recorded change, one page of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from shared.http.pagination import PageQuery


class ChangeListQuery(PageQuery):
    """Filters of the change history."""

    model_config = ConfigDict(extra="forbid")

    source: Literal["import", "staff"] | None = None


class ChangeRead(BaseModel):
    """One recorded change: field, old → new, when, from which import (or staff)."""

    id: int
    field: str
    old_value: Any = None
    new_value: Any = None
    source: Literal["import", "staff"]
    import_run_id: int | None
    event_id: str | None
    changed_at: datetime


class ChangePage(BaseModel):
    """One page of the change history."""

    items: list[ChangeRead]
    page: int
    per_page: int
    total: int
