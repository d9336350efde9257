"""Placement request resources: list, one request, cancel (staff; services read too)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from matching_service.api.schemas.base import MAX_ID
from matching_service.api.schemas.requests import (
    CancelRead,
    PlacementRequestPage,
    PlacementRequestQuery,
    PlacementRequestRead,
)
from matching_service.context import MatchingContext
from matching_service.domain.errors import RequestNotFound
from matching_service.services import reads, requests
from matching_service.services.fill import fill_settings_of
from shared.http.app_factory import context_of
from shared.http.operations import AuditRecord, operation
from shared.http.pagination import page_body

READERS = ("staff", "service")
TAGS = ("matching",)
NOT_FOUND = ("Not found", None)


def checked_request_id(request_id: int) -> int:
    """A path id beyond the column's range names no request."""
    if request_id < 1 or request_id > MAX_ID:
        raise RequestNotFound(request_id)
    return request_id


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
        uow = context_of(MatchingContext).unit_of_work()
        items, total = reads.list_requests(uow, filters, query.offset, query.per_page)
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
        uow = context_of(MatchingContext).unit_of_work()
        return reads.get_request(uow, checked_request_id(request_id))


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
        ctx = context_of(MatchingContext)
        return requests.cancel_request(
            ctx.unit_of_work(),
            fill_settings_of(ctx),
            checked_request_id(request_id),
            ctx.clock.now(),
        )
