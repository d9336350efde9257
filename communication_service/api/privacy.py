"""What communication holds about one patient (the GDPR export reads it, Art. 15/20)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from communication_service.api.resources import existing_id
from communication_service.patient_records import patient_records
from shared.http.operations import operation
from shared.http.ops import context
from shared.unit_of_work import UnitOfWork

READERS = ("staff", "admin", "service")


def _json(value: Any) -> Any:
    """Times as ISO strings, recursively."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
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
        ctx = context()
        with UnitOfWork(ctx.session_factory) as uow:
            records = patient_records(uow.session, existing_id(patient_id, "Patient"))
        return _json(records)
