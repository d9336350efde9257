"""Schemas of the placement request resources (they also feed /openapi.json)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from matching_service.api.schemas.base import MAX_ID, ScorePartsRead
from matching_service.domain.states import RequestStatus
from shared.http.pagination import PageQuery


class PlacementRequestQuery(PageQuery):
    """`GET /api/placement-requests` filters."""

    model_config = ConfigDict(extra="forbid")

    patient_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    therapist_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    status: RequestStatus | None = None


class PlacementRequestRead(BaseModel):
    id: int
    patient_id: int
    therapist_id: int
    status: RequestStatus
    score: float = Field(ge=0, le=1)
    score_parts: ScorePartsRead
    distance_km: float
    criteria: list[str] = Field(description="The hard criteria that held when it was created")
    run_id: int | None
    therapist_unavailable: bool = Field(description="Therapist blocked/left after contact")
    close_reason: str | None
    created_at: str
    updated_at: str
    contacted_at: str | None
    follow_up_at: str | None
    closed_at: str | None


class PlacementRequestPage(BaseModel):
    items: list[PlacementRequestRead]
    page: int
    per_page: int
    total: int


class CancelRead(BaseModel):
    id: int
    status: RequestStatus
