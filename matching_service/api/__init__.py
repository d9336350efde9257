"""REST resources of the matching service."""

from __future__ import annotations

from flask_restful import Api

from matching_service.api.resources import (
    CandidateListResource,
    CandidateResource,
    PlacementRequestCancelResource,
    PlacementRequestListResource,
    PlacementRequestResource,
    StatisticsResource,
)


def register_routes(api: Api) -> None:
    """Add this service's resources to the app."""
    api.add_resource(PlacementRequestListResource, "/api/placement-requests")
    api.add_resource(PlacementRequestResource, "/api/placement-requests/<int:request_id>")
    api.add_resource(
        PlacementRequestCancelResource, "/api/placement-requests/<int:request_id>/cancel"
    )
    api.add_resource(CandidateListResource, "/api/patients/<int:patient_id>/candidates")
    api.add_resource(
        CandidateResource, "/api/patients/<int:patient_id>/candidates/<int:therapist_id>"
    )
    api.add_resource(StatisticsResource, "/api/statistics")
