"""Schemas of the candidate and explanation resources."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from matching_service.api.schemas.base import ScorePartsRead


class CandidateQuery(BaseModel):
    """`GET /api/patients/{id}/candidates`."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=10, ge=1, le=100)


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
