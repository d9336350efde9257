"""Schema of `PUT /api/patients/{id}/status`."""

from __future__ import annotations

from pydantic import Field

from patient_service.api.schemas.base import StrictModel
from patient_service.api.schemas.fields import TherapistId, Version
from shared.patient_vocabulary import PatientStatus


class StatusChange(StrictModel):
    status: PatientStatus
    version: Version | None = None
    therapist_id: TherapistId | None = Field(default=None, description="only for `placed`")
