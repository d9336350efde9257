"""Travel times: the offline estimate of one trip, and the methods an answer can come from."""

from __future__ import annotations

from dataclasses import dataclass

from shared.geo import TravelModel, estimate_road_km, estimate_travel_minutes
from shared.patient_vocabulary import TravelMode

__all__ = [
    "METHOD_ESTIMATE",
    "METHOD_HAVERSINE",
    "METHOD_OSRM",
    "TravelMode",
    "TravelModel",
    "TravelTime",
    "estimate_travel_minutes",
    "estimate_trip",
]

METHOD_HAVERSINE = "haversine"
METHOD_ESTIMATE = "estimate"
METHOD_OSRM = "osrm"


@dataclass(frozen=True)
class TravelTime:
    """Distance and duration of one trip and the method that produced them."""

    distance_km: float
    road_distance_km: float
    duration_minutes: float
    method: str
    fallback_reason: str | None = None


def estimate_trip(
    distance_km: float, mode: TravelMode, model: TravelModel, fallback_reason: str | None = None
) -> TravelTime:
    """The offline estimate for one trip."""
    return TravelTime(
        distance_km,
        estimate_road_km(distance_km, model),
        estimate_travel_minutes(distance_km, mode, model),
        METHOD_ESTIMATE,
        fallback_reason,
    )


def estimate_many(
    distances_km: list[float], mode: TravelMode | None, model: TravelModel
) -> list[dict[str, float]]:
    """Km each, plus the estimated minutes when a mode is given."""
    if mode is None:
        return [{"distance_km": km} for km in distances_km]
    return [
        {"distance_km": km, "duration_minutes": estimate_travel_minutes(km, mode, model)}
        for km in distances_km
    ]
