"""The staff attention list (role staff or admin) and acknowledging a crisis flag (staff)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from patient_service.api.schemas.patient_views import PatientRead, patient_body
from patient_service.api.web import CONFLICT, NOT_FOUND, ROLES, TAGS, patient_context, today
from patient_service.services import attention
from shared.http import attention as listing
from shared.http.auth import actor
from shared.http.operations import operation

AttentionListResource = listing.attention_list_resource(
    "Cases that need a person: unacknowledged crisis flags, drift the consistency check "
    "could not repair (`status_mismatch`); oldest first",
    lambda offset, per_page, reason: attention.list_attention(
        patient_context(), offset, per_page, reason
    ),
)


class PatientCrisisAcknowledgementResource(Resource):
    @operation(
        "Staff saw the crisis flag (it leaves the attention list until raised anew); 409 "
        "`no_crisis` without one",
        roles=ROLES,
        tags=TAGS,
        responses={200: ("The patient", PatientRead), 404: NOT_FOUND, 409: CONFLICT},
        audit=("patient", "patient_id"),
    )
    def post(self, patient_id: int) -> Any:
        row = attention.acknowledge_crisis(patient_context(), patient_id, actor())
        return patient_body(row, today())
