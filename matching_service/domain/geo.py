"""Distance and travel-time estimate for the distance criterion: the shared, pure implementation."""

from __future__ import annotations

from shared.geo import EARTH_RADIUS_KM, TravelModel, haversine_km
from shared.geo import estimate_travel_minutes as travel_minutes

__all__ = ["EARTH_RADIUS_KM", "TravelModel", "haversine_km", "travel_minutes"]
