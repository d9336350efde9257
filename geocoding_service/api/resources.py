"""Geocoding, distance and travel-time resources (staff and service roles)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import g
from flask_restful import Resource

from geocoding_service import services
from geocoding_service.api.schemas import (
    DistanceQuery,
    DistanceRead,
    DistancesCreate,
    DistancesRead,
    GeocodeQuery,
    GeocodeRead,
    ResolutionCreate,
    ResolutionRead,
    TravelTimeQuery,
    TravelTimeRead,
)
from geocoding_service.domain import Point
from shared.events.geocoding import LocationResolved
from shared.http.app_factory import context
from shared.http.errors import ApiError
from shared.http.idempotency import idempotent
from shared.http.operations import AuditRecord, operation

ROLES = ("staff", "service")
TAGS = ("geocoding",)
NOT_FOUND = ("Address or postal code not found", None)
UNAVAILABLE = ("No geocoding provider answered", None)


@contextmanager
def _geocoding_errors(postal_code: str) -> Iterator[None]:
    """Turn 'not found' / 'unavailable' into clear API errors (never 0/0, never a 500)."""
    try:
        yield
    except services.LocationNotFound as exc:
        message = (
            f"Postleitzahl {postal_code} ist unbekannt."
            if postal_code
            else "Adresse nicht gefunden."
        )
        raise ApiError(404, message, "not_found", {"postal_code": postal_code or None}) from exc
    except services.GeocodingUnavailable as exc:
        raise ApiError(
            503,
            "Geokodierung ist gerade nicht erreichbar; bitte später erneut.",
            "geocoding_unavailable",
            {"provider": str(exc)},
        ) from exc


def _geocode_body(outcome: services.GeocodeOutcome) -> dict[str, Any]:
    loc = outcome.location
    return {
        "lat": loc.lat,
        "lon": loc.lon,
        "precision": loc.precision.value,
        "source": loc.source,
        "postal_code": loc.postal_code,
        "cached": outcome.cached,
        "fallback_reason": outcome.fallback_reason,
    }


class GeocodeResource(Resource):
    @operation(
        "Coordinates of an address or a postal code (street level when configured)",
        roles=ROLES,
        query=GeocodeQuery,
        tags=TAGS,
        responses={200: ("Resolved location", GeocodeRead), 404: NOT_FOUND, 503: UNAVAILABLE},
    )
    def get(self, query: GeocodeQuery) -> Any:
        subject = None
        if query.subject_type is not None and query.subject_id is not None:
            subject = services.Subject(query.subject_type, query.subject_id, publish=False)
        with _geocoding_errors(query.postal_code):
            outcome = services.geocode_address(context(), query.to_query(), subject)
        return _geocode_body(outcome)


class ResolutionResource(Resource):
    @operation(
        "Resolve a subject's address and publish geocoding.location_resolved/failed",
        roles=ROLES,
        body=ResolutionCreate,
        tags=TAGS,
        responses={
            200: ("Resolved location", ResolutionRead),
            404: NOT_FOUND,
            415: ("Body is not JSON", None),
            503: UNAVAILABLE,
        },
        audit=AuditRecord("subject", response="subject_id", type_from="subject_type"),
    )
    @idempotent
    def post(self, body: ResolutionCreate) -> Any:
        subject = services.Subject(
            body.subject_type, body.subject_id, getattr(g, "correlation_id", None)
        )
        with _geocoding_errors(body.postal_code):
            outcome = services.geocode_address(context(), body.to_query(), subject)
        return {
            **_geocode_body(outcome),
            "subject_type": subject.type,
            "subject_id": subject.id,
            "event_type": LocationResolved.event_type,
        }


class DistanceResource(Resource):
    @operation(
        "Straight-line (haversine) distance in km",
        roles=ROLES,
        query=DistanceQuery,
        tags=TAGS,
        responses={200: ("Distance", DistanceRead)},
    )
    def get(self, query: DistanceQuery) -> Any:
        distance = services.measure_distance(
            Point(query.from_lat, query.from_lon), Point(query.to_lat, query.to_lon)
        )
        return {"distance_km": distance, "method": services.METHOD_HAVERSINE}


class TravelTimeResource(Resource):
    @operation(
        "Travel time per mode: OSRM where configured and reachable, else an estimate",
        roles=ROLES,
        query=TravelTimeQuery,
        tags=TAGS,
        responses={200: ("Travel time", TravelTimeRead)},
    )
    def get(self, query: TravelTimeQuery) -> Any:
        trip = services.travel_time(
            context(),
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
        ctx = context()
        limit = ctx.extra["max_destinations"]
        if len(body.destinations) > limit:
            raise ApiError(
                400,
                f"Höchstens {limit} Ziele pro Anfrage.",
                "validation_error",
                {"destinations": [f"at most {limit} items"]},
            )
        points = [Point(d.lat, d.lon) for d in body.destinations]
        rows = services.distances_from(
            Point(body.origin.lat, body.origin.lon), points, body.mode, ctx.extra["travel_model"]
        )
        items = [
            {
                "index": i,
                "id": d.id,
                "distance_km": row["distance_km"],
                "duration_minutes": row.get("duration_minutes"),
            }
            for i, (d, row) in enumerate(zip(body.destinations, rows, strict=True))
        ]
        method = services.METHOD_ESTIMATE if body.mode else services.METHOD_HAVERSINE
        return {
            "items": items,
            "count": len(items),
            "method": method,
            "mode": body.mode.value if body.mode else None,
        }
