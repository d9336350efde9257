"""Use cases of the geocoding service: the only place (with handlers) that commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from geocoding_service import cache, erasure
from geocoding_service.domain import (
    AddressQuery,
    Point,
    TravelMode,
    TravelModel,
    estimate_road_km,
    estimate_travel_minutes,
    haversine_km,
    haversine_many,
    normalise_query,
)
from geocoding_service.providers import GeocodingChain, Location, ProviderUnavailable
from geocoding_service.routing import OsrmRouter, RoutingUnavailable
from shared.db import UnitOfWork
from shared.events.geocoding import LocationFailed, LocationResolved
from shared.http.app_factory import ServiceContext

METHOD_HAVERSINE = "haversine"
METHOD_ESTIMATE = "estimate"
METHOD_OSRM = "osrm"


class LocationNotFound(Exception):
    """No provider knows the address (never answered with 0/0)."""


class GeocodingUnavailable(Exception):
    """No provider could answer now; try again later."""


@dataclass(frozen=True)
class GeocodeOutcome:
    """A resolved location and how it was obtained."""

    location: Location
    cached: bool
    fallback_reason: str | None = None


@dataclass(frozen=True)
class TravelTime:
    """Distance and duration of one trip and the method that produced them."""

    distance_km: float
    road_distance_km: float
    duration_minutes: float
    method: str
    fallback_reason: str | None = None


def _chain(ctx: ServiceContext) -> GeocodingChain:
    return ctx.extra["geocoder"]


def cache_key(chain: GeocodingChain, query: AddressQuery) -> str:
    """Offline answers depend on the postal code only, so the key ignores the rest there."""
    if chain.street is None:
        query = AddressQuery(postal_code=query.postal_code)
    return f"{chain.mode}|{normalise_query(query)}"


@dataclass(frozen=True)
class Subject:
    """Whose address is resolved (an event is published for it)."""

    type: str
    id: int
    correlation_id: str | None = None
    publish: bool = True  # False: only link the cache entry to the subject (GET /api/geocode)


def geocode_address(
    ctx: ServiceContext, query: AddressQuery, subject: Subject | None = None
) -> GeocodeOutcome:
    """Cache first; on a miss ask the providers (outside any transaction) and remember.

    With a subject, the outcome event goes to the outbox in the same transaction.
    """
    key = cache_key(_chain(ctx), query)
    with UnitOfWork(ctx.session_factory) as uow:
        entry = cache.hit(uow.session, ctx.tables["geocode_cache"], key, ctx.clock.now())
        if entry is not None:
            _link(ctx, uow, subject, key)
            _record(ctx, uow, subject, entry.location, "not_found")
        uow.commit()
    if entry is None:
        return _resolve_and_store(ctx, key, query, subject)
    if entry.location is None:
        raise LocationNotFound(key)
    return GeocodeOutcome(entry.location, cached=True)


def _resolve_and_store(
    ctx: ServiceContext, key: str, query: AddressQuery, subject: Subject | None
) -> GeocodeOutcome:
    try:
        location, reason = _chain(ctx).resolve(query)
    except ProviderUnavailable as exc:
        _record_failure(ctx, subject)
        raise GeocodingUnavailable(str(exc)) from exc
    with UnitOfWork(ctx.session_factory) as uow:
        if reason is None or not _is_outage(reason):
            cache.store(
                uow.session,
                ctx.tables["geocode_cache"],
                key,
                location,
                ctx.clock.now(),
                ctx.extra["cache_policy"],
            )
            _link(ctx, uow, subject, key)
        _record(ctx, uow, subject, location, "not_found")
        uow.commit()
    if location is None:
        raise LocationNotFound(key)
    return GeocodeOutcome(location, cached=False, fallback_reason=reason)


def _is_outage(reason: str) -> bool:
    """A fallback after an outage is not cached: the street answer may come back soon."""
    return reason != "street_not_found"


def _record(
    ctx: ServiceContext,
    uow: UnitOfWork,
    subject: Subject | None,
    location: Location | None,
    failure: str,
) -> None:
    """Add the subject's outcome event to the outbox (nothing without a subject)."""
    if subject is None or not subject.publish:
        return
    event: Any
    if location is None:
        event = LocationFailed(subject_type=subject.type, subject_id=subject.id, reason=failure)
    else:
        event = LocationResolved(
            subject_type=subject.type,
            subject_id=subject.id,
            latitude=location.lat,
            longitude=location.lon,
            precision=location.precision.value,
            source=location.source,
        )
    ctx.outbox.add(
        uow.session, event, occurred_at=ctx.clock.now(), correlation_id=subject.correlation_id
    )


def _link(ctx: ServiceContext, uow: UnitOfWork, subject: Subject | None, key: str) -> None:
    """Cache entries looked up for a subject are deleted when that subject is erased."""
    if subject is not None:
        table = ctx.tables["cache_subjects"]
        erasure.link_subject(uow.session, table, subject.type, subject.id, key, ctx.clock.now())


def _record_failure(ctx: ServiceContext, subject: Subject | None) -> None:
    if subject is None:
        return
    with UnitOfWork(ctx.session_factory) as uow:
        _record(ctx, uow, subject, None, "provider_unavailable")
        uow.commit()


def measure_distance(origin: Point, destination: Point) -> float:
    """Straight-line (haversine) distance in km."""
    return haversine_km(origin.lat, origin.lon, destination.lat, destination.lon)


def estimate_trip(
    distance_km: float, mode: TravelMode, model: TravelModel, fallback_reason: str | None = None
) -> TravelTime:
    """The offline estimate for one trip."""
    return TravelTime(
        distance_km,
        estimate_road_km(distance_km, model),
        estimate_travel_minutes(distance_km, mode, model),
        METHOD_ESTIMATE,
        fallback_reason,
    )


def travel_time(
    ctx: ServiceContext, origin: Point, destination: Point, mode: TravelMode
) -> TravelTime:
    """OSRM where configured and reachable (not for public transport), else the estimate."""
    distance = measure_distance(origin, destination)
    router: OsrmRouter | None = ctx.extra.get("router")
    model: TravelModel = ctx.extra["travel_model"]
    if router is None or not router.supports(mode.value):
        return estimate_trip(distance, mode, model)
    try:
        route = router.route(origin, destination, mode.value)
    except RoutingUnavailable as exc:
        return estimate_trip(distance, mode, model, fallback_reason=str(exc))
    return TravelTime(distance, route.distance_km, route.duration_minutes, METHOD_OSRM)


def distances_from(
    origin: Point, destinations: list[Point], mode: TravelMode | None, model: TravelModel
) -> list[dict[str, float]]:
    """One origin to many points: km each, plus the estimated minutes when a mode is given."""
    kms = haversine_many(origin, destinations)
    if mode is None:
        return [{"distance_km": km} for km in kms]
    return [
        {"distance_km": km, "duration_minutes": estimate_travel_minutes(km, mode, model)}
        for km in kms
    ]


def purge_expired_cache(ctx: ServiceContext, now: datetime) -> dict[str, int]:
    """Scheduled job: drop expired cache entries."""
    with UnitOfWork(ctx.session_factory) as uow:
        removed = cache.purge_expired(uow.session, ctx.tables["geocode_cache"], now)
        uow.commit()
    return {"removed": removed}
