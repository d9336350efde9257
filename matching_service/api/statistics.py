"""The statistics resource: searching patients, requests by state, placements, answer rates."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from matching_service.api.schemas.statistics import StatisticsRead
from matching_service.context import MatchingContext
from matching_service.services import reads
from shared.http.app_factory import context_of
from shared.http.operations import operation


class StatisticsResource(Resource):
    @operation(
        "Searching patients, requests by state, placements, answer rates",
        roles=("staff", "service"),
        tags=("matching",),
        responses={200: ("Figures", StatisticsRead)},
    )
    def get(self) -> Any:
        return reads.statistics_body(context_of(MatchingContext).unit_of_work())
