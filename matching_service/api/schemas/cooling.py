"""Schemas of `POST /api/therapists/{id}/cooling/lift`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CoolingLiftBody(BaseModel):
    """Why staff lift the cooling period (required; a missing or blank reason is refused)."""

    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=1000, description="required")


class CoolingLiftRead(BaseModel):
    therapist_id: int
    lifted_periods: int = Field(description="how many running cooling periods were lifted")
    lifted_at: str
