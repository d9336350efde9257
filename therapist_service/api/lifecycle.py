"""Status and capacity resources: block, unblock, deactivate, reactivate; accepting patients."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from shared.http.app_factory import context_of
from shared.http.auth import actor
from shared.http.idempotency import idempotent
from shared.http.operations import operation
from therapist_service.api.schemas.lifecycle import CapacityUpdate, StatusUpdate
from therapist_service.api.schemas.therapists import TherapistRead
from therapist_service.api.therapists import NOT_FOUND, NOT_JSON, STAFF, TAGS, read
from therapist_service.context import TherapistContext
from therapist_service.services import capacity, lifecycle


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
        row = lifecycle.change_status(
            context_of(TherapistContext), therapist_id, body.status, body.reason, actor()
        )
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
        row = capacity.set_capacity(
            context_of(TherapistContext),
            therapist_id,
            body.accepting_new_patients,
            body.as_of,
            actor(),
        )
        return read(row)
