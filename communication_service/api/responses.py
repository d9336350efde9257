"""Recording a therapist's answer (it starts the cooling period)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from communication_service.api.common import STAFF, communication_context
from communication_service.api.schemas.responses import ResponseCreate, ResponseRead
from communication_service.domain.responses import ResponseInput
from communication_service.services import responses
from shared.http.auth import actor
from shared.http.idempotency import idempotent
from shared.http.operations import AuditRecord, operation


class ResponseListResource(Resource):
    @operation(
        "Record a therapist's answer (starts the cooling period; each outcome says its effect)",
        roles=STAFF,
        body=ResponseCreate,
        tags=("responses",),
        responses={
            201: ("Recorded", ResponseRead),
            409: ("Already answered", None),
            415: ("The body is not JSON", None),
            422: ("Never sent to this therapist", None),
        },
        audit=(
            AuditRecord("response", response="response_id"),
            AuditRecord("patient", response="outcomes.patient_id"),
        ),
    )
    @idempotent
    def post(self, body: ResponseCreate) -> Any:
        data = ResponseInput(
            body.therapist_id,
            body.channel.value,
            [(outcome.placement_request_id, outcome.outcome.value) for outcome in body.outcomes],
            body.note,
            actor(),
        )
        return responses.record_response(communication_context(), data), 201
