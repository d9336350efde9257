"""The geocode cache table: a hit counts itself; misses are stored, negative ones briefly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from geocoding_service.domain import Precision
from geocoding_service.providers import Location

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


def hit(session: Session, table: Table, key: str, now: datetime) -> CacheEntry | None:
    """Count a hit on a live entry and return it; None when absent or expired."""
    row = (
        session.execute(
            update(table)
            .where(table.c.query_key == key, table.c.expires_at > now)
            .values(hit_count=table.c.hit_count + 1, last_hit_at=now)
            .returning(table)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    return CacheEntry(_location(row), int(row["hit_count"]))


def _location(row) -> Location | None:  # noqa: ANN001 - a RowMapping
    if row["status"] != FOUND:
        return None
    return Location(
        row["lat"], row["lon"], Precision(row["precision"]), row["source"], row["postal_code"]
    )


def store(
    session: Session,
    table: Table,
    key: str,
    location: Location | None,
    now: datetime,
    policy: CachePolicy,
) -> None:
    """Insert or refresh an entry (the hit count survives a refresh)."""
    ttl = policy.ttl if location is not None else policy.negative_ttl
    values = {
        "status": FOUND if location is not None else NOT_FOUND,
        "lat": location.lat if location else None,
        "lon": location.lon if location else None,
        "precision": location.precision.value if location else None,
        "source": location.source if location else None,
        "postal_code": location.postal_code if location else None,
        "refreshed_at": now,
        "expires_at": now + ttl,
    }
    stmt = insert(table).values(query_key=key, hit_count=0, **values)
    session.execute(stmt.on_conflict_do_update(index_elements=[table.c.query_key], set_=values))


def purge_expired(session: Session, table: Table, now: datetime) -> int:
    """Delete expired entries; returns how many."""
    result = session.execute(delete(table).where(table.c.expires_at <= now))
    return int(result.rowcount or 0)
