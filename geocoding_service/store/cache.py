"""The geocode cache table: a hit counts itself; misses are stored, negative ones briefly."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, delete, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from geocoding_service.domain.cache import FOUND, NOT_FOUND, CacheEntry, CachePolicy
from geocoding_service.domain.locations import Location, Precision
from geocoding_service.models import geocode_cache


class GeocodeCache:
    """Cache entries by normalised query key, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def hit(self, key: str, now: datetime) -> CacheEntry | None:
        """Count a hit on a live entry and return it; None when absent or expired."""
        row = (
            self._session.execute(
                update(geocode_cache)
                .where(geocode_cache.c.query_key == key, geocode_cache.c.expires_at > now)
                .values(hit_count=geocode_cache.c.hit_count + 1, last_hit_at=now)
                .returning(geocode_cache)
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return CacheEntry(_location(row), int(row["hit_count"]))

    def store(
        self, key: str, location: Location | None, now: datetime, policy: CachePolicy
    ) -> None:
        """Insert or refresh an entry (the hit count survives a refresh)."""
        values = {
            **_columns(location),
            "refreshed_at": now,
            "expires_at": now + policy.lifetime(location),
        }
        statement = insert(geocode_cache).values(
            query_key=key, hit_count=0, created_at=now, **values
        )
        self._session.execute(
            statement.on_conflict_do_update(index_elements=[geocode_cache.c.query_key], set_=values)
        )

    def purge_expired(self, now: datetime) -> int:
        """Delete expired entries; returns how many."""
        result = self._session.execute(
            delete(geocode_cache).where(geocode_cache.c.expires_at <= now)
        )
        return int(result.rowcount or 0)


def _columns(location: Location | None) -> dict[str, Any]:
    """The status and coordinate columns of an answer ('not found' leaves them empty)."""
    if location is None:
        return {
            "status": NOT_FOUND,
            "lat": None,
            "lon": None,
            "precision": None,
            "source": None,
            "postal_code": None,
        }
    return {
        "status": FOUND,
        "lat": location.lat,
        "lon": location.lon,
        "precision": location.precision.value,
        "source": location.source,
        "postal_code": location.postal_code,
    }


def _location(row: RowMapping) -> Location | None:
    if row["status"] != FOUND:
        return None
    return Location(
        row["lat"], row["lon"], Precision(row["precision"]), row["source"], row["postal_code"]
    )
