"""Schemas of `POST/GET /api/imports` and `GET /api/imports/<id>`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from scraping_service.api.schemas.base import StrictModel
from scraping_service.domain.runs import RunStatus
from shared.http.pagination import MAX_PER_PAGE, PageQuery
from shared.vocabulary import ImportSource


class ImportQuery(StrictModel):
    """Where the uploaded responses come from; only full runs count practices as missing."""

    area: str = Field(
        default="upload",
        min_length=1,
        max_length=200,
        description="Area label; disappearance is tracked per area",
    )
    full_run: bool = Field(default=False, description="The upload covers the whole area")


class ImportAccepted(BaseModel):
    id: int
    status: RunStatus


class RunCountsRead(BaseModel):
    new: int
    changed: int
    unchanged: int
    disappeared: int
    rejected: int


class ImportRunSummary(BaseModel):
    id: int
    source: ImportSource
    area: str | None
    full_run: bool
    status: RunStatus
    file_name: str | None
    requested_by: str | None
    counts: RunCountsRead
    records: int = Field(description="Items read from the source")
    duplicates: int = Field(description="Identical items listed twice (overlapping tiles)")
    warnings: int = Field(description="Values dropped from accepted records")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float | None
    error: str | None
    details: dict[str, Any] | None


class RejectedRead(BaseModel):
    external_id: str | None
    position: str = Field(description="Response label and item index")
    reasons: list[str]
    item: dict[str, Any] | None


class ImportRunRead(ImportRunSummary):
    rejected_records: list[RejectedRead]
    rejected_page: int
    rejected_per_page: int


class ImportRunList(BaseModel):
    items: list[ImportRunSummary]
    page: int
    per_page: int
    total: int


class RejectedPageQuery(StrictModel):
    """Paging of the rejected records shown with a run."""

    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=100, ge=1, le=MAX_PER_PAGE)


class RunListQuery(PageQuery):
    model_config = ConfigDict(extra="forbid")

    status: RunStatus | None = Field(default=None, description="only runs in this state")
    source: ImportSource | None = Field(default=None, description="only runs from this source")
