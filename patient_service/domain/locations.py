"""Where a patient lives: the address to geocode and the location columns of each outcome."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from patient_service.domain.changes import ADDRESS_FIELDS
from shared.patient_vocabulary import LocationStatus

PENDING = LocationStatus.PENDING.value
RESOLVED = LocationStatus.RESOLVED.value
FAILED = LocationStatus.FAILED.value


@dataclass(frozen=True)
class Address:
    """What the geocoding service needs to locate a patient."""

    street: str
    house_number: str
    postal_code: str
    city: str
    # Lets the geocoding service link its cache entry to the patient, so erasure can drop it.
    patient_id: int | None = None


@dataclass(frozen=True)
class GeoPoint:
    """A resolved location."""

    latitude: float
    longitude: float
    precision: str
    source: str


def address_of(values: Mapping[str, Any]) -> Address:
    """The address part of patient values."""
    street, house_number, postal_code, city = (
        str(values.get(name) or "") for name in ADDRESS_FIELDS
    )
    return Address(street, house_number, postal_code, city, values.get("id"))


def resolved(point: GeoPoint, now: datetime, attempts: int) -> dict[str, Any]:
    """Location columns of a found address (`attempts`: the lookups before this one)."""
    return {
        **_lookup(RESOLVED, now, attempts),
        "latitude": point.latitude,
        "longitude": point.longitude,
        "location_precision": point.precision,
        "location_source": point.source,
    }


def unresolved(status: str, now: datetime, attempts: int) -> dict[str, Any]:
    """Location columns of an address not found (`failed`) or not looked up yet (`pending`)."""
    return _lookup(status, now, attempts)


def _lookup(status: str, now: datetime, attempts: int) -> dict[str, Any]:
    return {
        "location_status": status,
        "latitude": None,
        "longitude": None,
        "location_precision": None,
        "location_source": None,
        "location_checked_at": now,
        "location_attempts": attempts + 1,
    }
