"""REST resources of the matching service, by URL."""

from __future__ import annotations

from matching_service.api.attention import AttentionListResource, OpenRequestListResource
from matching_service.api.candidates import CandidateListResource, CandidateResource
from matching_service.api.cooling import CoolingLiftResource
from matching_service.api.requests import (
    PlacementRequestCancelResource,
    PlacementRequestListResource,
    PlacementRequestResource,
)
from matching_service.api.statistics import StatisticsResource
from shared.http.app_factory import Route

ROUTES: list[Route] = [
    (PlacementRequestListResource, "/api/placement-requests"),
    (PlacementRequestResource, "/api/placement-requests/<int:request_id>"),
    (PlacementRequestCancelResource, "/api/placement-requests/<int:request_id>/cancel"),
    (CandidateListResource, "/api/patients/<int:patient_id>/candidates"),
    (CandidateResource, "/api/patients/<int:patient_id>/candidates/<int:therapist_id>"),
    (StatisticsResource, "/api/statistics"),
    (CoolingLiftResource, "/api/therapists/<int:therapist_id>/cooling/lift"),
    (AttentionListResource, "/api/attention"),
    (OpenRequestListResource, "/api/open-requests"),
]
