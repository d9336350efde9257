"""Staff lift a therapist's cooling period (roles admin, staff; audited)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from matching_service.api.schemas.base import MAX_ID
from matching_service.api.schemas.cooling import CoolingLiftBody, CoolingLiftRead
from matching_service.context import MatchingContext
from matching_service.domain.errors import TherapistNotFound
from matching_service.services import cooling
from shared.http.app_factory import context_of
from shared.http.auth import actor
from shared.http.operations import operation


class CoolingLiftResource(Resource):
    @operation(
        "Lift a therapist's running cooling period (the next outreach may contact them)",
        roles=("admin", "staff"),
        body=CoolingLiftBody,
        tags=("matching",),
        responses={
            200: ("Lifted", CoolingLiftRead),
            400: ("No reason given", None),
            404: ("Unknown therapist", None),
            409: ("No cooling period is running", None),
            415: ("The body is not JSON", None),
        },
        audit=("therapist", "therapist_id"),
    )
    def post(self, therapist_id: int, body: CoolingLiftBody) -> Any:
        if therapist_id < 1 or therapist_id > MAX_ID:
            raise TherapistNotFound(therapist_id)
        ctx = context_of(MatchingContext)
        return cooling.lift_cooling(
            ctx.unit_of_work(), therapist_id, body.reason, actor(), ctx.clock.now()
        )
