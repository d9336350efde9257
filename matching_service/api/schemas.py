"""Request and response schemas of the matching API (they also feed /openapi.json)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from matching_service.domain.states import RequestStatus
from shared.http.pagination import PageQuery

MAX_ID = 2**63 - 1
Id = Field(ge=1, le=MAX_ID)


class PlacementRequestQuery(PageQuery):
    """`GET /api/placement-requests` filters."""

    model_config = ConfigDict(extra="forbid")

    patient_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    therapist_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    status: RequestStatus | None = None


class CandidateQuery(BaseModel):
    """`GET /api/patients/{id}/candidates`."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=10, ge=1, le=100)


class ScorePartsRead(BaseModel):
    distance: float
    capacity: float
    response_rate: float
    availability: float


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


class CandidateRead(BaseModel):
    therapist_id: int
    score: float
    distance_km: float
    score_parts: ScorePartsRead


class CandidateList(BaseModel):
    patient_id: int
    items: list[CandidateRead]


class CheckRead(BaseModel):
    name: str
    held: bool
    reason: str | None


class ExplanationRead(BaseModel):
    patient_id: int
    therapist_id: int
    matches: bool
    distance_km: float | None
    criteria: list[CheckRead]
    score: float | None
    score_parts: ScorePartsRead | None


class AnswerRates(BaseModel):
    answered: float | None = Field(description="answered / (answered + expired + no_response)")
    accepted: float | None = Field(description="accepted / answered")


class StatisticsRead(BaseModel):
    searching_patients: int
    open_requests_by_status: dict[str, int]
    closed_requests_by_status: dict[str, int]
    placements: int
    median_days_to_placement: float | None
    answer_rates: AnswerRates
