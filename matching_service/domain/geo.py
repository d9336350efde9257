"""Great-circle distance and the offline travel-time estimate used by the distance criterion."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


@dataclass(frozen=True)
class TravelModel:
    """Estimate factors: road/straight detour, door-to-door speed and access time per mode."""

    detour_factor: float
    short_detour_factor: float
    short_distance_km: float
    speeds_kmh: Mapping[str, float]
    access_minutes: Mapping[str, float]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def travel_minutes(distance_km: float, mode: str, model: TravelModel) -> float:
    """Estimated door-to-door minutes: haversine × detour / speed + access time."""
    short = distance_km < model.short_distance_km
    detour = model.short_detour_factor if short else model.detour_factor
    return distance_km * detour / model.speeds_kmh[mode] * 60.0 + model.access_minutes[mode]
