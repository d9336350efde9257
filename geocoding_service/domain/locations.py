"""Resolved places: coordinates, how exact they are, and which coordinates are plausible."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class Precision(StrEnum):
    """How exact a resolved location is."""

    street = "street"
    postal_code = "postal_code"


@dataclass(frozen=True)
class Point:
    """A WGS84 coordinate pair in degrees."""

    lat: float
    lon: float


@dataclass(frozen=True)
class Location:
    """A resolved place: coordinates, how exact they are, and who said so."""

    lat: float
    lon: float
    precision: Precision
    source: str
    postal_code: str | None = None


def is_valid_coordinate(lat: float, lon: float) -> bool:
    """True for finite latitude in [-90, 90] and longitude in [-180, 180]."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return False
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def is_plausible_location(lat: float, lon: float) -> bool:
    """A valid coordinate that is not the 0/0 'null island' placeholder."""
    return is_valid_coordinate(lat, lon) and not (lat == 0.0 and lon == 0.0)


def round_coordinate(value: float, digits: int = 6) -> float:
    """Coordinates to ~0.1 m; more digits are noise."""
    return round(value, digits)
