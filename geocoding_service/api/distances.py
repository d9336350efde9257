"""Distance and travel-time resources: haversine km, OSRM or the estimate, one-to-many."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from geocoding_service.api.schemas.distances import (
    DistanceQuery,
    DistanceRead,
    DistancesCreate,
    DistancesRead,
    TravelTimeQuery,
    TravelTimeRead,
)
from geocoding_service.context import GeocodingContext
from geocoding_service.domain.locations import Point
from geocoding_service.domain.travel import METHOD_ESTIMATE, METHOD_HAVERSINE
from geocoding_service.services import travel
from shared.http.app_factory import context_of
from shared.http.operations import operation

ROLES = ("staff", "service")
TAGS = ("geocoding",)


class DistanceResource(Resource):
    @operation(
        "Straight-line (haversine) distance in km",
        roles=ROLES,
        query=DistanceQuery,
        tags=TAGS,
        responses={200: ("Distance", DistanceRead)},
    )
    def get(self, query: DistanceQuery) -> Any:
        distance = travel.measure_distance(
            Point(query.from_lat, query.from_lon), Point(query.to_lat, query.to_lon)
        )
        return {"distance_km": distance, "method": METHOD_HAVERSINE}


class TravelTimeResource(Resource):
    @operation(
        "Travel time per mode: OSRM where configured and reachable, else an estimate",
        roles=ROLES,
        query=TravelTimeQuery,
        tags=TAGS,
        responses={200: ("Travel time", TravelTimeRead)},
    )
    def get(self, query: TravelTimeQuery) -> Any:
        trip = travel.travel_time(
            context_of(GeocodingContext),
            Point(query.from_lat, query.from_lon),
            Point(query.to_lat, query.to_lon),
            query.mode,
        )
        return {
            "distance_km": trip.distance_km,
            "road_distance_km": trip.road_distance_km,
            "duration_minutes": trip.duration_minutes,
            "mode": query.mode.value,
            "method": trip.method,
            "fallback_reason": trip.fallback_reason,
        }


class DistanceListResource(Resource):
    @operation(
        "One origin to up to 1,000 destinations (haversine km, optional estimate)",
        roles=ROLES,
        body=DistancesCreate,
        tags=TAGS,
        responses={
            200: ("Distances in input order", DistancesRead),
            415: ("Body is not JSON", None),
        },
    )
    def post(self, body: DistancesCreate) -> Any:
        ctx = context_of(GeocodingContext)
        rows = travel.distances_from(
            Point(body.origin.lat, body.origin.lon),
            [Point(destination.lat, destination.lon) for destination in body.destinations],
            body.mode,
            ctx.travel_model,
            ctx.max_destinations,
        )
        items = [
            {
                "index": index,
                "id": destination.id,
                "distance_km": row["distance_km"],
                "duration_minutes": row.get("duration_minutes"),
            }
            for index, (destination, row) in enumerate(zip(body.destinations, rows, strict=True))
        ]
        return {
            "items": items,
            "count": len(items),
            "method": METHOD_ESTIMATE if body.mode else METHOD_HAVERSINE,
            "mode": body.mode.value if body.mode else None,
        }
