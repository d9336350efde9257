"""GDPR routes (role admin): erasure (Art. 17), its progress, and the export (Art. 15/20)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from patient_service.api.schemas.patient_views import patient_body
from patient_service.api.schemas.privacy import ErasureRead, erasure_body
from patient_service.api.web import NOT_FOUND, patient_context, today
from patient_service.services import erasure, export
from shared.http.auth import actor
from shared.http.operations import operation

ADMIN = ("admin",)
TAGS = ("privacy",)
UNAVAILABLE = ("A service did not answer; no partial document is given", None)


def erase(patient_id: int) -> Any:
    """DELETE /api/patients/{id}: 202 when the erasure starts, 200 with its status on a repeat."""
    status, created = erasure.erase_patient(patient_context(), patient_id, actor())
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
        return erasure_body(erasure.erasure_status(patient_context(), patient_id))


class PatientExportResource(Resource):
    @operation(
        "Everything every service holds about the patient, as one JSON document (Art. 15/20)",
        roles=ADMIN,
        tags=TAGS,
        audit=("patient", "patient_id"),
        responses={200: ("The export", None), 404: NOT_FOUND, 503: UNAVAILABLE},
    )
    def get(self, patient_id: int) -> Any:
        return export.export_patient(patient_context(), patient_id, patient_body, today())
