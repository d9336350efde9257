"""REST resources of the geocoding service, by URL."""

from __future__ import annotations

from geocoding_service.api.distances import (
    DistanceListResource,
    DistanceResource,
    TravelTimeResource,
)
from geocoding_service.api.geocoding import GeocodeResource, ResolutionResource
from shared.http.app_factory import Route

ROUTES: list[Route] = [
    (GeocodeResource, "/api/geocode"),
    (ResolutionResource, "/api/resolutions"),
    (DistanceResource, "/api/distance"),
    (DistanceListResource, "/api/distances"),
    (TravelTimeResource, "/api/travel-time"),
]
