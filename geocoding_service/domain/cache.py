"""The geocode cache's rules: one key per place and provider, how long answers stay valid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from geocoding_service.domain.addresses import AddressQuery, normalise_query
from geocoding_service.domain.locations import Location

FOUND = "found"
NOT_FOUND = "not_found"


@dataclass(frozen=True)
class CacheEntry:
    """A live cache row: a location, or None for a remembered 'not found'."""

    location: Location | None
    hit_count: int


@dataclass(frozen=True)
class CachePolicy:
    """How long answers stay valid."""

    ttl: timedelta
    negative_ttl: timedelta

    def lifetime(self, location: Location | None) -> timedelta:
        """A found place is kept long, a 'not found' only briefly."""
        return self.ttl if location is not None else self.negative_ttl


def cache_key(provider_mode: str, street_level: bool, query: AddressQuery) -> str:
    """`provider_mode|normalised address`; offline answers depend on the postal code only,
    so without a street-level provider the key ignores the rest."""
    if not street_level:
        query = AddressQuery(postal_code=query.postal_code)
    return f"{provider_mode}|{normalise_query(query)}"
