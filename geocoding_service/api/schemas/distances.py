"""Schemas of `GET /api/distance`, `GET /api/travel-time` and `POST /api/distances`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from geocoding_service.api.schemas.base import StrictModel
from geocoding_service.domain.travel import TravelMode

MAX_DESTINATIONS = 1000
Latitude = Field(ge=-90, le=90, description="WGS84 latitude in degrees")
Longitude = Field(ge=-180, le=180, description="WGS84 longitude in degrees")
# JSON bodies carry real numbers: strict, so `true` or "52.1" is not taken for a coordinate.
BodyLatitude = Field(ge=-90, le=90, strict=True, description="WGS84 latitude in degrees")
BodyLongitude = Field(ge=-180, le=180, strict=True, description="WGS84 longitude in degrees")


class DistanceQuery(StrictModel):
    from_lat: float = Latitude
    from_lon: float = Longitude
    to_lat: float = Latitude
    to_lon: float = Longitude


class DistanceRead(BaseModel):
    distance_km: float
    method: Literal["haversine"]


class TravelTimeQuery(DistanceQuery):
    mode: TravelMode = TravelMode.CAR


class TravelTimeRead(BaseModel):
    distance_km: float = Field(description="Straight-line (haversine) distance")
    road_distance_km: float = Field(description="OSRM road distance, or the estimated one")
    duration_minutes: float
    mode: TravelMode
    method: Literal["osrm", "estimate"]
    fallback_reason: str | None


class Coordinate(StrictModel):
    lat: float = BodyLatitude
    lon: float = BodyLongitude


class Destination(Coordinate):
    id: str | None = Field(default=None, max_length=100, description="Echoed back")


class DistancesCreate(StrictModel):
    origin: Coordinate
    destinations: list[Destination] = Field(min_length=1, max_length=MAX_DESTINATIONS)
    mode: TravelMode | None = Field(default=None, description="Adds estimated minutes")


class DistanceItem(BaseModel):
    index: int
    id: str | None
    distance_km: float
    duration_minutes: float | None


class DistancesRead(BaseModel):
    items: list[DistanceItem]
    count: int
    method: Literal["haversine", "estimate"]
    mode: TravelMode | None
