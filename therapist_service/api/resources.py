"""Therapist resources: create, read, update, search, status, capacity, change history."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import g
from flask_restful import Resource
from sqlalchemy import RowMapping

from shared.http.app_factory import context
from shared.http.errors import ApiError
from shared.http.idempotency import idempotent
from shared.http.operations import AuditRecord, operation
from shared.http.pagination import page_body
from therapist_service import services
from therapist_service.api.queries import (
    CapacityUpdate,
    ChangeListQuery,
    ChangePage,
    ChangeRead,
    StatusUpdate,
    TherapistListQuery,
)
from therapist_service.api.schemas import (
    TherapistCreate,
    TherapistPage,
    TherapistRead,
    TherapistUpdate,
)

STAFF = ("staff",)
READERS = ("staff", "service")
TAGS = ("therapists",)
NOT_FOUND = ("No such therapist", None)
NOT_JSON = ("The body is not JSON", None)


def read(row: RowMapping) -> dict[str, Any]:
    """A row as the API's JSON."""
    return TherapistRead.model_validate(dict(row)).model_dump(mode="json")


def actor() -> str:
    """The authenticated subject (for the audit log)."""
    principal = getattr(g, "principal", None)
    return principal.subject if principal else "unknown"


@contextmanager
def service_errors() -> Iterator[None]:
    """Use-case exceptions → 404 / 409 / 422 with the platform's error body."""
    try:
        yield
    except services.TherapistNotFound as exc:
        raise ApiError(
            404, f"Therapist {exc.args[0]} not found.", "not_found", {"therapist_id": exc.args[0]}
        ) from exc
    except services.Conflict as exc:
        raise ApiError(409, str(exc), "conflict") from exc
    except services.Unprocessable as exc:
        raise ApiError(422, str(exc), "unprocessable_entity") from exc


class TherapistListResource(Resource):
    @operation(
        "Search therapists (filters, radius, paging)",
        roles=READERS,
        query=TherapistListQuery,
        tags=TAGS,
        responses={200: ("Therapists", TherapistPage)},
    )
    def get(self, query: TherapistListQuery) -> Any:
        rows, total = services.find_therapists(
            context(), query.filters(), query.offset, query.per_page
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
        with service_errors():
            data = body.model_dump(mode="json", exclude_none=True)
            row = services.create_therapist(context(), data, actor())
        return read(row), 201


class TherapistResource(Resource):
    @operation(
        "One therapist",
        roles=READERS,
        tags=TAGS,
        responses={200: ("Therapist", TherapistRead), 404: NOT_FOUND},
    )
    def get(self, therapist_id: int) -> Any:
        with service_errors():
            return read(services.get_therapist(context(), therapist_id))

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
        with service_errors():
            return read(services.update_therapist(context(), therapist_id, data, actor()))


class TherapistStatusResource(Resource):
    @operation(
        "Block, unblock, deactivate or reactivate",
        roles=STAFF,
        body=StatusUpdate,
        tags=TAGS,
        responses={
            200: ("Therapist", TherapistRead),
            404: NOT_FOUND,
            409: ("Transition not allowed", None),
            415: NOT_JSON,
        },
        audit=("therapist", "therapist_id"),
    )
    @idempotent
    def put(self, therapist_id: int, body: StatusUpdate) -> Any:
        with service_errors():
            row = services.change_status(context(), therapist_id, body.status, body.reason, actor())
        return read(row)


class TherapistCapacityResource(Resource):
    @operation(
        "Record whether the therapist accepts new patients",
        roles=STAFF,
        body=CapacityUpdate,
        tags=TAGS,
        responses={200: ("Therapist", TherapistRead), 404: NOT_FOUND, 415: NOT_JSON},
        audit=("therapist", "therapist_id"),
    )
    @idempotent
    def put(self, therapist_id: int, body: CapacityUpdate) -> Any:
        with service_errors():
            row = services.set_capacity(
                context(), therapist_id, body.accepting_new_patients, body.as_of, actor()
            )
        return read(row)


class TherapistChangesResource(Resource):
    @operation(
        "Change history (imports and staff edits), oldest first",
        roles=READERS,
        query=ChangeListQuery,
        tags=TAGS,
        responses={200: ("Changes", ChangePage), 404: NOT_FOUND},
    )
    def get(self, therapist_id: int, query: ChangeListQuery) -> Any:
        with service_errors():
            rows, total = services.list_changes(
                context(), therapist_id, query.source, query.offset, query.per_page
            )
        items = [ChangeRead.model_validate(dict(r)).model_dump(mode="json") for r in rows]
        return page_body(items, query, total)
