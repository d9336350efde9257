"""Schemas of `GET /api/live` and `PUT /api/live/stop`."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from scraping_service.api.schemas.base import StrictModel


class LiveStopUpdate(StrictModel):
    stopped: bool = Field(strict=True)
    reason: str | None = Field(default=None, max_length=500)


class LiveStatusRead(BaseModel):
    enabled: bool
    stopped: bool = Field(strict=True)
    stopped_by_setting: bool
    reason: str | None
    changed_by: str | None
    changed_at: datetime | None
    areas: list[str]
