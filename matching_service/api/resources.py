"""Placement requests, candidates, explanations and statistics (staff; service reads too)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from matching_service import queries, services
from matching_service.api.schemas import (
    MAX_ID,
    CancelRead,
    CandidateList,
    CandidateQuery,
    ExplanationRead,
    PlacementRequestPage,
    PlacementRequestQuery,
    PlacementRequestRead,
    StatisticsRead,
)
from shared.http.app_factory import ServiceContext, context
from shared.http.errors import ApiError
from shared.http.operations import AuditRecord, operation
from shared.http.pagination import page_body

READERS = ("staff", "service")
TAGS = ("matching",)
NOT_FOUND = ("Not found", None)


def _checked_id(value: int, what: str) -> int:
    if value < 1 or value > MAX_ID:
        raise ApiError(404, f"No {what} with id {value}.")
    return value


def _read(ctx: ServiceContext, func: Any, *args: Any) -> Any:
    with ctx.session_factory() as session:
        return func(session, *args)


class PlacementRequestListResource(Resource):
    @operation(
        "Placement requests, filtered by patient, therapist and status",
        roles=READERS,
        query=PlacementRequestQuery,
        tags=TAGS,
        responses={200: ("A page of requests", PlacementRequestPage)},
        audit=(
            AuditRecord("patient", query="patient_id"),
            AuditRecord("patient", response="items.patient_id"),
        ),
    )
    def get(self, query: PlacementRequestQuery) -> Any:
        filters = {
            "patient_id": query.patient_id,
            "therapist_id": query.therapist_id,
            "status": query.status.value if query.status else None,
        }
        items, total = _read(
            context(), queries.list_requests, filters, query.offset, query.per_page
        )
        return page_body(items, query, total)


class PlacementRequestResource(Resource):
    @operation(
        "One placement request",
        roles=READERS,
        tags=TAGS,
        responses={200: ("The request", PlacementRequestRead), 404: NOT_FOUND},
        audit=(
            AuditRecord("placement_request", path="request_id"),
            AuditRecord("patient", response="patient_id"),
        ),
    )
    def get(self, request_id: int) -> Any:
        body = _read(context(), queries.get_request, _checked_id(request_id, "request"))
        if body is None:
            raise ApiError(404, f"No placement request with id {request_id}.")
        return body


class PlacementRequestCancelResource(Resource):
    @operation(
        "Cancel an open placement request (a replacement is proposed)",
        roles=("staff",),
        tags=TAGS,
        responses={
            200: ("Cancelled", CancelRead),
            404: NOT_FOUND,
            409: ("The request is already closed", None),
        },
        audit=("placement_request", "request_id"),
    )
    def post(self, request_id: int) -> Any:
        ctx = context()
        try:
            return services.cancel_request(ctx, _checked_id(request_id, "request"), ctx.clock.now())
        except services.RequestNotFound as exc:
            raise ApiError(404, f"No placement request with id {request_id}.") from exc
        except services.RequestClosed as exc:
            raise ApiError(409, f"The request is already {exc}.", "request_closed") from exc


class CandidateListResource(Resource):
    @operation(
        "Ranked candidates who would be asked next, with score parts",
        roles=READERS,
        query=CandidateQuery,
        tags=TAGS,
        responses={200: ("Candidates, best first", CandidateList), 404: NOT_FOUND},
        audit=("patient", "patient_id"),
    )
    def get(self, patient_id: int, query: CandidateQuery) -> Any:
        ctx = context()
        items = _read(
            ctx,
            queries.candidates,
            ctx,
            _checked_id(patient_id, "patient"),
            query.limit,
            ctx.clock.now(),
        )
        if items is None:
            raise ApiError(404, f"No patient with id {patient_id}.")
        return {"patient_id": patient_id, "items": items}


class CandidateResource(Resource):
    @operation(
        "Every hard criterion for one patient and therapist: held or not, and why",
        roles=READERS,
        tags=TAGS,
        responses={200: ("The explanation", ExplanationRead), 404: NOT_FOUND},
        audit=("patient", "patient_id"),
    )
    def get(self, patient_id: int, therapist_id: int) -> Any:
        ctx = context()
        body = _read(
            ctx,
            queries.explain,
            ctx,
            _checked_id(patient_id, "patient"),
            _checked_id(therapist_id, "therapist"),
            ctx.clock.now(),
        )
        if isinstance(body, str):
            raise ApiError(404, f"No {body} with this id.")
        return body


class StatisticsResource(Resource):
    @operation(
        "Searching patients, requests by state, placements, answer rates",
        roles=READERS,
        tags=TAGS,
        responses={200: ("Figures", StatisticsRead)},
    )
    def get(self) -> Any:
        return _read(context(), queries.statistics_body)
