"""Geometry of the radius search: great-circle distance and a box around a circle."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    delta_phi, delta_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    chord = (
        math.sin(delta_phi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(delta_lambda / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, chord)))


@dataclass(frozen=True)
class Box:
    """A lat/lon bounding box (degrees)."""

    south: float
    west: float
    north: float
    east: float


def bounding_box(lat: float, lon: float, radius_km: float) -> Box:
    """A box that contains every point within `radius_km` of (lat, lon)."""
    delta_lat = radius_km / KM_PER_DEGREE
    cos_lat = math.cos(math.radians(min(89.9, abs(lat) + delta_lat)))
    delta_lon = min(180.0, radius_km / (KM_PER_DEGREE * cos_lat))
    return Box(
        max(-90.0, lat - delta_lat),
        max(-180.0, lon - delta_lon),
        min(90.0, lat + delta_lat),
        min(180.0, lon + delta_lon),
    )
