"""Street-level geocoding through geopy's Nominatim client, rate-limited, with retries.

The request and answer formats are described in docs/formats.md.
"""

from __future__ import annotations

import logging

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

from geocoding_service.clients.geocoders import ProviderUnavailable
from geocoding_service.clients.limiter import MinIntervalLimiter
from geocoding_service.domain.addresses import (
    AddressQuery,
    free_form_query,
    is_valid_postal_code,
    normalise_postal_code,
)
from geocoding_service.domain.locations import Location, Precision, is_plausible_location

log = logging.getLogger(__name__)

SOURCE_NOMINATIM = "nominatim"
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
