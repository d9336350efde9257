"""Bodies of the status and capacity changes staff make."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from shared.vocabulary import Capacity, TherapistStatus
from therapist_service.api.schemas.base import Input


class StatusUpdate(Input):
    """`PUT /api/therapists/{id}/status`."""

    status: TherapistStatus
    reason: str | None = Field(default=None, min_length=1, max_length=500)

    @model_validator(mode="after")
    def _block_needs_reason(self) -> StatusUpdate:
        if self.status == TherapistStatus.BLOCKED and not self.reason:
            raise ValueError("a block needs a reason")
        return self


class CapacityUpdate(Input):
    """`PUT /api/therapists/{id}/capacity`."""

    accepting_new_patients: Capacity
    as_of: date | None = Field(default=None, description="Default: today (Europe/Berlin)")
