"""Phone-call resources: the staff call list, one call, recording a call's outcome."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from communication_service.api.common import (
    NOT_FOUND,
    STAFF,
    communication_context,
    dump,
    existing_id,
)
from communication_service.api.schemas.calls import (
    CallListQuery,
    CallOutcomeUpdate,
    CallPage,
    CallRead,
)
from communication_service.domain.calls import OutcomeInput
from communication_service.services import call_outcomes, calls
from shared.http.auth import actor
from shared.http.idempotency import idempotent
from shared.http.operations import AuditRecord, operation
from shared.http.pagination import page_body

TAGS = ("phone-calls",)


class PhoneCallListResource(Resource):
    @operation(
        "The call list (filters: date in Europe/Berlin, status, therapist), by time",
        roles=STAFF,
        query=CallListQuery,
        tags=TAGS,
        responses={200: ("Calls", CallPage)},
        audit=AuditRecord("patient", response="items.patients.patient_id"),
    )
    def get(self, query: CallListQuery) -> Any:
        filters = query.model_dump(include={"date", "status", "therapist_id"})
        ctx = communication_context()
        rows, total = calls.list_calls(ctx, filters, query.offset, query.per_page)
        return page_body([dump(CallRead, row) for row in rows], query, total)


class PhoneCallResource(Resource):
    @operation(
        "One call with the patients to discuss and previous contacts",
        roles=STAFF,
        tags=TAGS,
        responses={200: ("Call", CallRead), 404: NOT_FOUND},
        audit=(
            AuditRecord("phone_call", path="call_id"),
            AuditRecord("patient", response="patients.patient_id"),
        ),
    )
    def get(self, call_id: int) -> Any:
        found = calls.get_call(communication_context(), existing_id(call_id, "Call"))
        return dump(CallRead, found)


class PhoneCallOutcomeResource(Resource):
    @operation(
        "Record a call: reached (answers per request) or not reached (next window)",
        roles=STAFF,
        body=CallOutcomeUpdate,
        tags=TAGS,
        responses={
            200: ("Call", CallRead),
            404: NOT_FOUND,
            409: ("The call is not scheduled, or already answered", None),
            415: ("The body is not JSON", None),
            422: ("Requests not part of this call", None),
        },
        audit=(
            AuditRecord("phone_call", path="call_id"),
            AuditRecord("patient", response="patients.patient_id"),
        ),
    )
    @idempotent
    def put(self, call_id: int, body: CallOutcomeUpdate) -> Any:
        data = OutcomeInput(
            existing_id(call_id, "Call"),
            body.reached,
            [(outcome.placement_request_id, outcome.outcome.value) for outcome in body.outcomes],
            body.note,
            actor(),
        )
        return dump(CallRead, call_outcomes.record_call_outcome(communication_context(), data))
