"""Resolving an address: for whom, with what outcome, and which outcomes are remembered."""

from __future__ import annotations

from dataclasses import dataclass

from geocoding_service.domain.locations import Location

STREET_NOT_FOUND = "street_not_found"  # the street provider answered: no such street
FAILURE_NOT_FOUND = "not_found"
FAILURE_PROVIDER_UNAVAILABLE = "provider_unavailable"


@dataclass(frozen=True)
class Subject:
    """Whose address is resolved (an event is published for it)."""

    type: str
    id: int
    publish: bool = True  # False: only link the cache entry to the subject (GET /api/geocode)


@dataclass(frozen=True)
class GeocodeOutcome:
    """A resolved location and how it was obtained."""

    location: Location
    cached: bool
    fallback_reason: str | None = None


def is_worth_caching(fallback_reason: str | None) -> bool:
    """A fallback after an outage is not cached: the street answer may come back soon."""
    return fallback_reason is None or fallback_reason == STREET_NOT_FOUND
