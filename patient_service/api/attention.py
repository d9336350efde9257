"""The staff attention list (role staff or admin) and acknowledging a crisis flag (staff)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from patient_service.api.schemas.patient_views import PatientRead, patient_body
from patient_service.api.web import CONFLICT, NOT_FOUND, ROLES, TAGS, patient_context, today
from patient_service.services import attention
from shared.http import attention as listing
from shared.http.auth import actor
from shared.http.operations import AuditRecord, operation
from shared.http.pagination import page_body


class AttentionListResource(Resource):
    @operation(
        "Cases that need a person: unacknowledged crisis flags, drift the consistency check "
        "could not repair (`status_mismatch`); oldest first",
        roles=listing.ROLES,
        query=listing.AttentionQuery,
        tags=listing.TAGS,
        responses={200: ("The open items", listing.AttentionPage)},
        audit=AuditRecord("patient", response="items.patient_id"),
    )
    def get(self, query: listing.AttentionQuery) -> Any:
        reason = query.reason.value if query.reason is not None else None
        items, total = attention.list_attention(
            patient_context(), query.offset, query.per_page, reason
        )
        return page_body(items, query, total)


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
