"""REST resources of the therapist service, by URL."""

from __future__ import annotations

from shared.http.app_factory import Route
from therapist_service.api.changes import TherapistChangesResource
from therapist_service.api.lifecycle import TherapistCapacityResource, TherapistStatusResource
from therapist_service.api.therapists import TherapistListResource, TherapistResource

ROUTES: list[Route] = [
    (TherapistListResource, "/api/therapists"),
    (TherapistResource, "/api/therapists/<int:therapist_id>"),
    (TherapistStatusResource, "/api/therapists/<int:therapist_id>/status"),
    (TherapistCapacityResource, "/api/therapists/<int:therapist_id>/capacity"),
    (TherapistChangesResource, "/api/therapists/<int:therapist_id>/changes"),
]
