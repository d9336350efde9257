"""Therapist resources: search, register, read and edit therapist records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_restful import Resource

from shared.http.app_factory import context_of
from shared.http.auth import actor
from shared.http.idempotency import idempotent
from shared.http.operations import AuditRecord, operation
from shared.http.pagination import page_body
from therapist_service.api.schemas.queries import TherapistListQuery
from therapist_service.api.schemas.therapists import (
    TherapistCreate,
    TherapistPage,
    TherapistRead,
    TherapistUpdate,
)
from therapist_service.context import TherapistContext
from therapist_service.services import therapists

STAFF = ("staff",)
READERS = ("staff", "service")
TAGS = ("therapists",)
NOT_FOUND = ("No such therapist", None)
NOT_JSON = ("The body is not JSON", None)


def read(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row as the API's JSON."""
    return TherapistRead.model_validate(dict(row)).model_dump(mode="json")


class TherapistListResource(Resource):
    @operation(
        "Search therapists (filters, radius, paging)",
        roles=READERS,
        query=TherapistListQuery,
        tags=TAGS,
        responses={200: ("Therapists", TherapistPage)},
    )
    def get(self, query: TherapistListQuery) -> Any:
        rows, total = therapists.find_therapists(
            context_of(TherapistContext), query.filters(), query.offset, query.per_page
        )
        return page_body([read(row) for row in rows], query, total)

    @operation(
        "Register a therapist by hand",
        roles=STAFF,
        body=TherapistCreate,
        tags=TAGS,
        responses={
            201: ("Created", TherapistRead),
            409: ("External id in use", None),
            415: NOT_JSON,
        },
        audit=AuditRecord("therapist", response="id"),
    )
    @idempotent
    def post(self, body: TherapistCreate) -> Any:
        data = body.model_dump(mode="json", exclude_none=True)
        row = therapists.create_therapist(context_of(TherapistContext), data, actor())
        return read(row), 201


class TherapistResource(Resource):
    @operation(
        "One therapist",
        roles=READERS,
        tags=TAGS,
        responses={200: ("Therapist", TherapistRead), 404: NOT_FOUND},
    )
    def get(self, therapist_id: int) -> Any:
        return read(therapists.get_therapist(context_of(TherapistContext), therapist_id))

    @operation(
        "Change fields (only those sent)",
        roles=STAFF,
        body=TherapistUpdate,
        tags=TAGS,
        responses={
            200: ("Therapist", TherapistRead),
            404: NOT_FOUND,
            415: NOT_JSON,
            422: ("Contradicts stored data", None),
        },
        audit=("therapist", "therapist_id"),
    )
    @idempotent
    def patch(self, therapist_id: int, body: TherapistUpdate) -> Any:
        data = body.model_dump(mode="json", include=body.model_fields_set)
        ctx = context_of(TherapistContext)
        return read(therapists.update_therapist(ctx, therapist_id, data, actor()))
