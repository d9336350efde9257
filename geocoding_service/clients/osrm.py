"""Road distance and duration from an OSRM server (optional), with retries on 429/5xx.

The route request and answer are described in docs/formats.md.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import requests
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from geocoding_service.domain.locations import Point

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Route:
    """What a router says about one trip."""

    distance_km: float
    duration_minutes: float


class RoutingUnavailable(Exception):
    """The router could not give a usable answer (down, timeout, 429/5xx, malformed, no route)."""


class _Retryable(RoutingUnavailable):
    """A failure worth another attempt (429, 5xx, timeout, connection refused)."""


class OsrmRouter:
    """`GET {base}/route/v1/{profile}/{lon},{lat};{lon},{lat}?overview=false` (lon first)."""

    def __init__(
        self,
        base_url: str,
        profiles: dict[str, str],
        timeout_s: float,
        attempts: int,
        backoff_s: float,
        session: requests.Session | None = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._profiles = profiles
        self._timeout = timeout_s
        self._session = session or requests.Session()
        self._call = retry(
            retry=retry_if_exception(lambda exc: isinstance(exc, _Retryable)),
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=backoff_s, max=max(backoff_s * 8, 0.0)),
            reraise=True,
        )(self._fetch)

    def supports(self, mode: str) -> bool:
        """OSRM has no public transport; other modes need a configured profile."""
        return mode in self._profiles

    def route(self, origin: Point, destination: Point, mode: str) -> Route:
        """One route; raises RoutingUnavailable for anything but a usable answer."""
        if not self.supports(mode):
            raise RoutingUnavailable(f"no OSRM profile for mode {mode}")
        coords = f"{origin.lon:.6f},{origin.lat:.6f};{destination.lon:.6f},{destination.lat:.6f}"
        url = f"{self._base}/route/v1/{self._profiles[mode]}/{coords}"
        return parse_route(self._call(url))

    def _fetch(self, url: str) -> Any:
        try:
            response = self._session.get(url, params={"overview": "false"}, timeout=self._timeout)
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise _Retryable(f"OSRM unreachable: {type(exc).__name__}") from exc
        except requests.RequestException as exc:
            raise RoutingUnavailable(f"OSRM request failed: {type(exc).__name__}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(f"OSRM answered HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise RoutingUnavailable("OSRM answered with invalid JSON") from exc


def parse_route(body: Any) -> Route:
    """The first route of an OSRM answer; errors carry a `code` other than "Ok"."""
    if not isinstance(body, dict):
        raise RoutingUnavailable("OSRM answer is not an object")
    if body.get("code") != "Ok":
        raise RoutingUnavailable(f"OSRM code {str(body.get('code'))[:40]}")
    routes = body.get("routes")
    if not isinstance(routes, list) or not routes or not isinstance(routes[0], dict):
        raise RoutingUnavailable("OSRM answer has no routes")
    try:
        metres, seconds = float(routes[0]["distance"]), float(routes[0]["duration"])
    except (KeyError, TypeError, ValueError) as exc:
        raise RoutingUnavailable("OSRM route lacks distance or duration") from exc
    if not (math.isfinite(metres) and math.isfinite(seconds)) or metres < 0 or seconds < 0:
        raise RoutingUnavailable("OSRM route has impossible values")
    return Route(metres / 1000.0, seconds / 60.0)
