"""REST resources of the geocoding service."""

from __future__ import annotations

from flask_restful import Api

from geocoding_service.api.resources import (
    DistanceListResource,
    DistanceResource,
    GeocodeResource,
    ResolutionResource,
    TravelTimeResource,
)


def register_routes(api: Api) -> None:
    """Add this service's resources to the app."""
    api.add_resource(GeocodeResource, "/api/geocode")
    api.add_resource(ResolutionResource, "/api/resolutions")
    api.add_resource(DistanceResource, "/api/distance")
    api.add_resource(DistanceListResource, "/api/distances")
    api.add_resource(TravelTimeResource, "/api/travel-time")
