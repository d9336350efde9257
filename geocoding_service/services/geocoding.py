"""Geocoding use cases: cache first, providers on a miss, the outcome event for a subject."""

from __future__ import annotations

from datetime import datetime

from geocoding_service.clients.geocoders import ProviderUnavailable
from geocoding_service.context import GeocodingContext
from geocoding_service.domain.addresses import AddressQuery
from geocoding_service.domain.cache import cache_key
from geocoding_service.domain.errors import GeocodingUnavailable, LocationNotFound
from geocoding_service.domain.locations import Location
from geocoding_service.domain.resolution import (
    FAILURE_NOT_FOUND,
    FAILURE_PROVIDER_UNAVAILABLE,
    GeocodeOutcome,
    Subject,
    is_worth_caching,
)
from geocoding_service.store import events
from geocoding_service.store.unit_of_work import GeocodingUnitOfWork

__all__ = ["GeocodeOutcome", "Subject", "geocode_address", "purge_expired_cache"]


def geocode_address(
    ctx: GeocodingContext, query: AddressQuery, subject: Subject | None = None
) -> GeocodeOutcome:
    """Cache first; on a miss ask the providers (outside any transaction) and remember.

    With a subject, the outcome event goes to the outbox in the same transaction.
    """
    chain = ctx.geocoder
    key = cache_key(chain.mode, chain.street_level, query)
    with ctx.unit_of_work() as uow:
        now = ctx.clock.now()
        entry = uow.cache.hit(key, now)
        if entry is not None:
            _link(uow, subject, key, now)
            _record(uow, subject, entry.location, FAILURE_NOT_FOUND, now)
        uow.commit()
    if entry is None:
        return _resolve_and_store(ctx, key, query, subject)
    if entry.location is None:
        raise LocationNotFound(query.postal_code)
    return GeocodeOutcome(entry.location, cached=True)


def _resolve_and_store(
    ctx: GeocodingContext, key: str, query: AddressQuery, subject: Subject | None
) -> GeocodeOutcome:
    try:
        location, reason = ctx.geocoder.resolve(query)
    except ProviderUnavailable as exc:
        _record_failure(ctx, subject)
        raise GeocodingUnavailable(str(exc)) from exc
    with ctx.unit_of_work() as uow:
        now = ctx.clock.now()
        if is_worth_caching(reason):
            uow.cache.store(key, location, now, ctx.cache_policy)
            _link(uow, subject, key, now)
        _record(uow, subject, location, FAILURE_NOT_FOUND, now)
        uow.commit()
    if location is None:
        raise LocationNotFound(query.postal_code)
    return GeocodeOutcome(location, cached=False, fallback_reason=reason)


def _record(
    uow: GeocodingUnitOfWork,
    subject: Subject | None,
    location: Location | None,
    failure: str,
    now: datetime,
) -> None:
    """Add the subject's outcome event to the outbox (nothing without a subject)."""
    if subject is None or not subject.publish:
        return
    uow.events.add(events.location_outcome(subject, location, failure), now)


def _link(uow: GeocodingUnitOfWork, subject: Subject | None, key: str, now: datetime) -> None:
    """Cache entries looked up for a subject are deleted when that subject is erased."""
    if subject is not None:
        uow.subjects.link(subject.type, subject.id, key, now)


def _record_failure(ctx: GeocodingContext, subject: Subject | None) -> None:
    if subject is None:
        return
    with ctx.unit_of_work() as uow:
        _record(uow, subject, None, FAILURE_PROVIDER_UNAVAILABLE, ctx.clock.now())
        uow.commit()


def purge_expired_cache(ctx: GeocodingContext, now: datetime) -> dict[str, int]:
    """Scheduled job: drop expired cache entries."""
    with ctx.unit_of_work() as uow:
        removed = uow.cache.purge_expired(now)
        uow.commit()
    return {"removed": removed}
