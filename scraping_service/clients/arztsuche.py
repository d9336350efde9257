"""The 116117 Arztsuche over HTTP: session cookie, browser headers, retries, rate limit."""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from scraping_service.domain.tiling import Tile

log = logging.getLogger(__name__)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
PSYCHOTHERAPY_GROUP = "12"  # `fgg` code of the psychotherapists' specialty group


class LiveError(RuntimeError):
    """The source did not give a usable answer (after retries, or not retryable)."""


class Retryable(LiveError):
    """A timeout, a 5xx/429 or a lost session: worth another attempt."""


def req_val(lat: float, lon: float) -> str:
    """The `req-val` header the site's JavaScript derives from the search point."""
    return base64.b64encode(f"{lat:.4f}|{lon:.4f}".encode()).decode()


def request_body(tile: Tile) -> dict[str, Any]:
    """The search request of docs/formats.md for all psychotherapists in a circle."""
    return {
        "r": tile.radius_km,
        "lat": tile.lat,
        "lon": tile.lon,
        "filterSelections": [
            {
                "title": "Fachgebiet Kategorie",
                "fieldName": "fgg",
                "selectedCodes": [PSYCHOTHERAPY_GROUP],
            }
        ],
        "locOrigin": "USER_INPUT",
        "initialSearch": True,
        "viaDeeplink": False,
    }


class MinIntervalLimiter:
    """At most one request per `interval_s` (polite to the public site)."""

    def __init__(self, interval_s: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self._interval = interval_s
        self._sleep = sleep
        self._last = float("-inf")
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            pause = self._last + self._interval - time.monotonic()
            if pause > 0:
                self._sleep(pause)
            self._last = time.monotonic()


@dataclass(frozen=True)
class ClientConfig:
    """Where and how to ask; the credential comes from settings, never from code."""

    api_url: str
    site_url: str
    basic_auth: str | None
    user_agent: str
    timeout_s: float = 20.0
    attempts: int = 4
    backoff_s: float = 2.0
    min_interval_s: float = 3.0


class ArztsucheClient:
    """POSTs searches with browser-like headers and a bootstrapped session cookie."""

    def __init__(self, config: ClientConfig, http: requests.Session | None = None) -> None:
        self._config = config
        self._http = http or requests.Session()
        self._limiter = MinIntervalLimiter(config.min_interval_s)
        self._has_session = False
        self.requests = 0
        self.retries = 0

    def search(self, tile: Tile) -> dict[str, Any]:
        """One tile's response, retried with exponential backoff."""
        retrying = Retrying(
            stop=stop_after_attempt(self._config.attempts),
            reraise=True,
            wait=wait_exponential(multiplier=self._config.backoff_s, max=60),
            retry=retry_if_exception_type(Retryable),
            before_sleep=self._count_retry,
        )
        return retrying(self._search_once, tile)

    def _count_retry(self, state: Any) -> None:
        self.retries += 1
        log.warning("live search retry %d: %s", state.attempt_number, state.outcome.exception())

    def _search_once(self, tile: Tile) -> dict[str, Any]:
        if not self._has_session:
            self._bootstrap()
        response = self._send(
            "POST", self._config.api_url, json=request_body(tile), headers=self._headers(tile)
        )
        if response.status_code == 500 and not response.content.strip():
            self._has_session = False  # the site's answer to a missing/expired session
            raise Retryable("HTTP 500 with an empty body: session lost")
        return _json_response(response)

    def _bootstrap(self) -> None:
        """Open the site like a browser so it sets its session cookie."""
        response = self._send("GET", self._config.site_url, headers=self._base_headers())
        if response.status_code >= 400:
            raise Retryable(f"session bootstrap: HTTP {response.status_code}")
        self._has_session = True

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        self._limiter.wait()
        self.requests += 1
        auth = tuple(self._config.basic_auth.split(":", 1)) if self._config.basic_auth else None
        try:
            return self._http.request(
                method, url, auth=auth, timeout=self._config.timeout_s, **kwargs
            )
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise Retryable(f"{type(exc).__name__}: {exc}") from exc

    def _base_headers(self) -> dict[str, str]:
        site = urlsplit(self._config.site_url)
        return {
            "User-Agent": self._config.user_agent,
            "Accept-Language": "de-DE,de;q=0.9",
            "Origin": f"{site.scheme}://{site.netloc}",
            "Referer": self._config.site_url,
        }

    def _headers(self, tile: Tile) -> dict[str, str]:
        return {
            **self._base_headers(),
            "Accept": "application/json, text/plain, */*",
            "req-val": req_val(tile.lat, tile.lon),
        }


def _json_response(response: requests.Response) -> dict[str, Any]:
    if response.status_code in RETRY_STATUSES:
        raise Retryable(f"HTTP {response.status_code}")
    if response.status_code != 200:
        raise LiveError(f"HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError as exc:
        raise Retryable("answer is not JSON") from exc
    if not isinstance(data, dict) or not isinstance(data.get("arztPraxisDatas"), list):
        raise Retryable("answer has no 'arztPraxisDatas' list")
    return data


def client_factory(config: ClientConfig) -> Callable[[], ArztsucheClient]:
    """A fresh client (own session cookie) per live run."""
    return lambda: ArztsucheClient(config)
