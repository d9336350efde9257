"""HTTP client of the geocoding service (`GET /api/geocode`), built once and injected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import requests
from tenacity import (
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from patient_service.domain.locations import Address, GeoPoint

__all__ = [
    "Address",
    "GeoPoint",
    "Geocoder",
    "GeocodingUnavailable",
    "HttpGeocoder",
    "LocationNotFound",
    "parse_point",
]


class LocationNotFound(Exception):
    """The geocoding service does not know the address (404): location `failed`."""


class GeocodingUnavailable(Exception):
    """The geocoding service could not answer now: location `pending`, retried by a job."""


class Geocoder(Protocol):
    """Anything that locates an address (the HTTP client, or a fake in tests)."""

    def locate(self, address: Address) -> GeoPoint: ...


class HttpGeocoder:
    """Calls the geocoding service with a service token, a short timeout and a few retries."""

    def __init__(
        self,
        base_url: str,
        token: Callable[[], str],
        timeout_s: float = 2.0,
        attempts: int = 2,
        backoff_s: float = 0.2,
        session: requests.Session | None = None,
    ) -> None:
        self._url = base_url.rstrip("/") + "/api/geocode"
        self._token = token
        self._timeout_s = timeout_s
        self._session = session or requests.Session()
        self._call = retry(
            retry=retry_if_exception_type(GeocodingUnavailable),
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=backoff_s, max=2.0),
            reraise=True,
        )(self._request)

    def locate(self, address: Address) -> GeoPoint:
        """Coordinates of `address`; LocationNotFound or GeocodingUnavailable otherwise."""
        return self._call(address)

    def _request(self, address: Address) -> GeoPoint:
        body: dict[str, str | int] = {
            "street": address.street,
            "house_number": address.house_number,
            "postal_code": address.postal_code,
            "city": address.city,
        }
        if address.patient_id is not None:
            body.update(subject_type="patient", subject_id=address.patient_id)
        headers = {"Authorization": f"Bearer {self._token()}"}
        try:
            # The address goes in the body, never in the URL (URLs end up in access logs).
            response = self._session.post(
                self._url, json=body, headers=headers, timeout=self._timeout_s
            )
        except requests.RequestException as exc:
            raise GeocodingUnavailable(type(exc).__name__) from exc
        return _interpret(response)


def _interpret(response: requests.Response) -> GeoPoint:
    if response.status_code in (400, 404, 422):
        raise LocationNotFound(f"HTTP {response.status_code}: {response.text[:200]}")
    if response.status_code != 200:
        raise GeocodingUnavailable(f"HTTP {response.status_code}")
    try:
        return parse_point(response.json())
    except (ValueError, KeyError, TypeError) as exc:
        raise GeocodingUnavailable(f"malformed answer: {exc}") from exc


def parse_point(body: Any) -> GeoPoint:
    """The geocoding answer (`lat`/`lon`, or `latitude`/`longitude`) as a GeoPoint."""
    lat = body["lat"] if "lat" in body else body["latitude"]
    lon = body["lon"] if "lon" in body else body["longitude"]
    lat, lon = float(lat), float(lon)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        raise ValueError("coordinates out of range")
    precision = str(body.get("precision") or "postal_code")
    if precision not in ("street", "postal_code"):
        raise ValueError(f"unknown precision {precision!r}")
    return GeoPoint(lat, lon, precision, str(body.get("source") or "geocoding_service"))
