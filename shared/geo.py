"""Great-circle distance and the offline travel-time estimate (standard library only).

One source of truth for the estimate's default factors; services configure them through
`shared.travel_settings.TravelSettings`. All figures are estimates, not routes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG), the usual haversine constant

DEFAULT_SPEEDS_KMH: Mapping[str, float] = {
    "car": 40.0,
    "public_transport": 20.0,
    "bicycle": 15.0,
    "walk": 4.5,
}
DEFAULT_ACCESS_MINUTES: Mapping[str, float] = {
    "car": 5.0,
    "public_transport": 10.0,
    "bicycle": 2.0,
    "walk": 0.0,
}


@dataclass(frozen=True)
class TravelModel:
    """Road/straight detour factor (larger for short trips), door-to-door speed, access time."""

    detour_factor: float = 1.3
    short_detour_factor: float = 1.4
    short_distance_km: float = 5.0
    speeds_kmh: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEEDS_KMH))
    access_minutes: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_ACCESS_MINUTES)
    )


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def detour_factor(distance_km: float, model: TravelModel) -> float:
    """Road distance / straight distance: short trips wind more."""
    if distance_km < model.short_distance_km:
        return model.short_detour_factor
    return model.detour_factor


def estimate_road_km(distance_km: float, model: TravelModel) -> float:
    """Estimated road distance for a straight-line distance."""
    return distance_km * detour_factor(distance_km, model)


def estimate_travel_minutes(distance_km: float, mode: str, model: TravelModel) -> float:
    """Door-to-door minutes: haversine × detour factor / mode speed + access time."""
    if distance_km < 0 or not math.isfinite(distance_km):
        raise ValueError("distance must be a finite, non-negative number")
    speed = model.speeds_kmh[mode]
    return estimate_road_km(distance_km, model) / speed * 60.0 + model.access_minutes[mode]
