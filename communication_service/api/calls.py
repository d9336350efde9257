"""Phone-call resources: the staff call list, one call, recording a call's outcome."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask_restful import Resource

from communication_service import services
from communication_service.api.call_schemas import (
    CallListQuery,
    CallOutcomeUpdate,
    CallPage,
    CallRead,
)
from communication_service.api.resources import STAFF, actor, dump, existing_id, service_errors
from communication_service.call_outcomes import CallNotFound, CallNotOpen, NotInCall, OutcomeInput
from shared.http.errors import ApiError
from shared.http.idempotency import idempotent
from shared.http.operations import AuditRecord, operation
from shared.http.ops import context
from shared.http.pagination import page_body

NOT_FOUND = ("Not found", None)


@contextmanager
def call_errors() -> Iterator[None]:
    """Call exceptions → 404 / 409 / 422 (answers' own errors as in `POST /api/responses`)."""
    try:
        with service_errors():
            yield
    except CallNotFound as exc:
        raise ApiError(404, f"Call {exc.args[0]} not found.") from exc
    except CallNotOpen as exc:
        raise ApiError(409, str(exc), "conflict") from exc
    except NotInCall as exc:
        raise ApiError(422, str(exc), "not_in_call", {"placement_request_ids": exc.ids}) from exc


class PhoneCallListResource(Resource):
    @operation(
        "The call list (filters: date in Europe/Berlin, status, therapist), by time",
        roles=STAFF,
        query=CallListQuery,
        tags=("phone-calls",),
        responses={200: ("Calls", CallPage)},
        audit=AuditRecord("patient", response="items.patients.patient_id"),
    )
    def get(self, query: CallListQuery) -> Any:
        filters = query.model_dump(include={"date", "status", "therapist_id"})
        rows, total = services.list_calls(context(), filters, query.offset, query.per_page)
        return page_body([dump(CallRead, r) for r in rows], query, total)


class PhoneCallResource(Resource):
    @operation(
        "One call with the patients to discuss and previous contacts",
        roles=STAFF,
        tags=("phone-calls",),
        responses={200: ("Call", CallRead), 404: NOT_FOUND},
        audit=(
            AuditRecord("phone_call", path="call_id"),
            AuditRecord("patient", response="patients.patient_id"),
        ),
    )
    def get(self, call_id: int) -> Any:
        with call_errors():
            return dump(CallRead, services.get_call(context(), existing_id(call_id, "Call")))


class PhoneCallOutcomeResource(Resource):
    @operation(
        "Record a call: reached (answers per request) or not reached (next window)",
        roles=STAFF,
        body=CallOutcomeUpdate,
        tags=("phone-calls",),
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
            [(o.placement_request_id, o.outcome.value) for o in body.outcomes],
            body.note,
            actor(),
        )
        with call_errors():
            return dump(CallRead, services.record_call_outcome(context(), data))
