"""REST resources of the therapist service."""

from __future__ import annotations

from flask_restful import Api

from therapist_service.api.resources import (
    TherapistCapacityResource,
    TherapistChangesResource,
    TherapistListResource,
    TherapistResource,
    TherapistStatusResource,
)


def register_routes(api: Api) -> None:
    """Add this service's resources to the app."""
    api.add_resource(TherapistListResource, "/api/therapists")
    api.add_resource(TherapistResource, "/api/therapists/<int:therapist_id>")
    api.add_resource(TherapistStatusResource, "/api/therapists/<int:therapist_id>/status")
    api.add_resource(TherapistCapacityResource, "/api/therapists/<int:therapist_id>/capacity")
    api.add_resource(TherapistChangesResource, "/api/therapists/<int:therapist_id>/changes")
