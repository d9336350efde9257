"""A patient's status through the lifecycle (role staff)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from patient_service.api.schemas.lifecycle import StatusChange
from patient_service.api.schemas.patient_views import PatientRead, patient_body
from patient_service.api.web import (
    CONFLICT,
    INCOMPLETE,
    NOT_FOUND,
    NOT_JSON,
    ROLES,
    TAGS,
    patient_context,
    today,
    version_of,
    with_etag,
)
from patient_service.services import lifecycle
from shared.http.auth import actor
from shared.http.operations import operation


class PatientStatusResource(Resource):
    @operation(
        "Change the status: 409 for a transition docs/domain.md forbids, 422 if incomplete",
        roles=ROLES,
        body=StatusChange,
        tags=TAGS,
        responses={
            200: ("The patient", PatientRead),
            404: NOT_FOUND,
            409: CONFLICT,
            415: NOT_JSON,
            422: INCOMPLETE,
        },
        audit=("patient", "patient_id"),
    )
    def put(self, patient_id: int, body: StatusChange) -> Any:
        version = version_of(body.version)
        row = lifecycle.change_status(
            patient_context(), patient_id, body.status.value, version, actor(), body.therapist_id
        )
        return with_etag(patient_body(row, today()))
