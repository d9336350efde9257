"""GDPR routes (role admin): erasure (Art. 17), its progress, and the export (Art. 15/20)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource
from pydantic import BaseModel

from patient_service import erasure, export
from patient_service.api.common import NOT_FOUND, actor, service_errors, today
from patient_service.api.read import patient_body
from patient_service.peers import PeerUnavailable
from shared.http.app_factory import context
from shared.http.errors import ApiError
from shared.http.operations import operation

ADMIN = ("admin",)
TAGS = ("privacy",)
UNAVAILABLE = ("A service did not answer; no partial document is given", None)


class ErasureStepRead(BaseModel):
    service: str
    completed_at: str | None
    counts: dict[str, int] | None


class ErasureRead(BaseModel):
    patient_id: int
    status: str
    requested_at: str | None
    requested_by: str | None
    services: list[ErasureStepRead]


def erasure_body(status: dict[str, Any]) -> dict[str, Any]:
    """The erasure status with its times as ISO strings."""
    iso = export.iso_values
    return {**iso(status), "services": [iso(step) for step in status["services"]]}


def erase(patient_id: int) -> Any:
    """DELETE /api/patients/{id}: 202 when the erasure starts, 200 with its status on a repeat."""
    with service_errors():
        status, created = erasure.erase_patient(context(), patient_id, actor())
    return erasure_body(status), 202 if created else 200


ERASE_OPERATION = operation(
    "Erase the patient's personal data (Art. 17); every service follows via patient.erased",
    roles=ADMIN,
    tags=TAGS,
    audit=("patient", "patient_id"),
    responses={
        200: ("Already erased: the current status", ErasureRead),
        202: ("Erasure started", ErasureRead),
        404: NOT_FOUND,
    },
)


class PatientErasureResource(Resource):
    @operation(
        "Erasure progress: when each service completed it (null while pending)",
        roles=ADMIN,
        tags=TAGS,
        audit=("patient", "patient_id"),
        responses={200: ("Erasure status", ErasureRead), 404: NOT_FOUND},
    )
    def get(self, patient_id: int) -> Any:
        with service_errors():
            status = erasure.erasure_status(context(), patient_id)
        return erasure_body(status)


class PatientExportResource(Resource):
    @operation(
        "Everything every service holds about the patient, as one JSON document (Art. 15/20)",
        roles=ADMIN,
        tags=TAGS,
        audit=("patient", "patient_id"),
        responses={200: ("The export", None), 404: NOT_FOUND, 503: UNAVAILABLE},
    )
    def get(self, patient_id: int) -> Any:
        try:
            with service_errors():
                return export.assemble(context(), patient_id, patient_body, today())
        except PeerUnavailable as exc:
            raise ApiError(
                503,
                f"Export refused: {exc.service} did not answer ({exc.reason}).",
                "service_unavailable",
                {"service": exc.service},
            ) from exc
