"""What communication holds about one patient (the GDPR export reads it, Art. 15/20)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from communication_service.api.common import communication_context, existing_id
from communication_service.services.patient_records import patient_communications
from shared.http.operations import operation

READERS = ("staff", "admin", "service")


def _json(value: Any) -> Any:
    """Times as ISO strings, recursively."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json(item) for item in value]
    return value


class PatientCommunicationsResource(Resource):
    @operation(
        "Requests, e-mails, calls and answers about one patient (empty lists when none)",
        roles=READERS,
        tags=("privacy",),
        audit=("patient", "patient_id"),
        responses={
            200: ("Everything communication holds about the patient", None),
            404: ("No such patient id (beyond the id range)", None),
        },
    )
    def get(self, patient_id: int) -> Any:
        patient_id = existing_id(patient_id, "Patient")
        return _json(patient_communications(communication_context(), patient_id))
