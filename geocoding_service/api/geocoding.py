"""Geocoding resources: coordinates of an address, and a subject's resolution with its event."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from geocoding_service.api.schemas.geocoding import (
    GeocodeQuery,
    GeocodeRead,
    ResolutionCreate,
    ResolutionRead,
)
from geocoding_service.context import GeocodingContext
from geocoding_service.services import geocoding
from shared.events.geocoding import LocationResolved
from shared.http.app_factory import context_of
from shared.http.idempotency import idempotent
from shared.http.operations import AuditRecord, operation

ROLES = ("staff", "service")
TAGS = ("geocoding",)
NOT_FOUND = ("Address or postal code not found", None)
UNAVAILABLE = ("No geocoding provider answered", None)


def _geocode_body(outcome: geocoding.GeocodeOutcome) -> dict[str, Any]:
    location = outcome.location
    return {
        "lat": location.lat,
        "lon": location.lon,
        "precision": location.precision.value,
        "source": location.source,
        "postal_code": location.postal_code,
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
        return _lookup(query)

    @operation(
        "Coordinates of an address sent in the body (keeps a person's address out of URLs "
        "and access logs; what the patient service uses)",
        roles=ROLES,
        body=GeocodeQuery,
        tags=TAGS,
        responses={
            200: ("Resolved location", GeocodeRead),
            404: NOT_FOUND,
            415: ("Body is not JSON", None),
            503: UNAVAILABLE,
        },
    )
    def post(self, body: GeocodeQuery) -> Any:
        return _lookup(body)


def _lookup(query: GeocodeQuery) -> dict[str, Any]:
    subject = None
    if query.subject_type is not None and query.subject_id is not None:
        subject = geocoding.Subject(query.subject_type, query.subject_id, publish=False)
    ctx = context_of(GeocodingContext)
    return _geocode_body(geocoding.geocode_address(ctx, query.to_query(), subject))


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
        subject = geocoding.Subject(body.subject_type, body.subject_id)
        ctx = context_of(GeocodingContext)
        outcome = geocoding.geocode_address(ctx, body.to_query(), subject)
        return {
            **_geocode_body(outcome),
            "subject_type": subject.type,
            "subject_id": subject.id,
            "event_type": LocationResolved.event_type,
        }
