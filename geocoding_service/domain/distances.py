"""Straight-line distances: one pair, or one origin to many points."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from geocoding_service.domain.errors import NoDestinations, TooManyDestinations
from geocoding_service.domain.locations import Point
from shared.geo import EARTH_RADIUS_KM, haversine_km

__all__ = ["check_destinations", "haversine_km", "haversine_many", "measure_distance"]


def measure_distance(origin: Point, destination: Point) -> float:
    """Straight-line (haversine) distance in km."""
    return haversine_km(origin.lat, origin.lon, destination.lat, destination.lon)


def haversine_many(origin: Point, destinations: Iterable[Point]) -> list[float]:
    """Distances from one origin to many points; the origin's trigonometry is computed once."""
    sin, cos, asin, sqrt = math.sin, math.cos, math.asin, math.sqrt
    half_radians = math.pi / 360.0  # degrees -> half-angle radians
    half_phi1, half_lambda1 = origin.lat * half_radians, origin.lon * half_radians
    cos1, diameter = cos(2 * half_phi1), 2 * EARTH_RADIUS_KM
    distances: list[float] = []
    append = distances.append
    for destination in destinations:
        half_phi2 = destination.lat * half_radians
        sin_phi = sin(half_phi2 - half_phi1)
        sin_lambda = sin(destination.lon * half_radians - half_lambda1)
        a = sin_phi * sin_phi + cos1 * cos(2 * half_phi2) * sin_lambda * sin_lambda
        append(diameter * asin(sqrt(a if a < 1.0 else 1.0)))
    return distances


def check_destinations(points: Sequence[Point], limit: int) -> None:
    """Refuse empty or oversized destination lists."""
    if not points:
        raise NoDestinations()
    if len(points) > limit:
        raise TooManyDestinations(limit)
