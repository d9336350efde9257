"""Distance and travel-time use cases: haversine, OSRM where configured, else the estimate."""

from __future__ import annotations

from geocoding_service.clients.osrm import RoutingUnavailable
from geocoding_service.context import GeocodingContext
from geocoding_service.domain.distances import check_destinations, haversine_many, measure_distance
from geocoding_service.domain.locations import Point
from geocoding_service.domain.travel import (
    METHOD_OSRM,
    TravelMode,
    TravelModel,
    TravelTime,
    estimate_many,
    estimate_trip,
)

__all__ = ["distances_from", "measure_distance", "travel_time"]


def travel_time(
    ctx: GeocodingContext, origin: Point, destination: Point, mode: TravelMode
) -> TravelTime:
    """OSRM where configured and reachable (not for public transport), else the estimate."""
    distance = measure_distance(origin, destination)
    router = ctx.router
    if router is None or not router.supports(mode.value):
        return estimate_trip(distance, mode, ctx.travel_model)
    try:
        route = router.route(origin, destination, mode.value)
    except RoutingUnavailable as exc:
        return estimate_trip(distance, mode, ctx.travel_model, fallback_reason=str(exc))
    return TravelTime(distance, route.distance_km, route.duration_minutes, METHOD_OSRM)


def distances_from(
    origin: Point,
    destinations: list[Point],
    mode: TravelMode | None,
    model: TravelModel,
    limit: int,
) -> list[dict[str, float]]:
    """One origin to at most `limit` points: km each, plus estimated minutes with a mode."""
    check_destinations(destinations, limit)
    return estimate_many(haversine_many(origin, destinations), mode, model)
