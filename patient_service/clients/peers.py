"""HTTP reads from the other services for the Art. 15/20 export (built once, injected)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import requests

MAX_PAGES = 1000
PER_PAGE = 100


class PeerUnavailable(Exception):
    """A service did not answer usefully: the export is refused rather than left incomplete."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service}: {reason}")
        self.service = service
        self.reason = reason


class Peers(Protocol):
    """Reads from the other services (the HTTP client, or a fake in tests)."""

    def get(self, service: str, path: str, params: dict[str, Any] | None = None) -> Any: ...

    def get_all(self, service: str, path: str, params: dict[str, Any]) -> list[Any] | None: ...


class PeerClient:
    """GETs with a role-`service` token and a timeout; lists are followed page by page."""

    def __init__(
        self,
        base_urls: dict[str, str],
        token: Callable[[], str],
        timeout_s: float = 5.0,
        session: requests.Session | None = None,
    ) -> None:
        self._urls = {name: url.rstrip("/") for name, url in base_urls.items()}
        self._token = token
        self._timeout_s = timeout_s
        self._http = session or requests.Session()

    def get(self, service: str, path: str, params: dict[str, Any] | None = None) -> Any:
        """The JSON body of a 200; None for a 404; PeerUnavailable otherwise."""
        headers = {"Authorization": f"Bearer {self._token()}"}
        try:
            response = self._http.get(
                self._urls[service] + path, params=params, headers=headers, timeout=self._timeout_s
            )
        except requests.RequestException as exc:
            raise PeerUnavailable(service, f"unreachable ({type(exc).__name__})") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise PeerUnavailable(service, f"answered HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise PeerUnavailable(service, "answered with a body that is not JSON") from exc

    def get_all(self, service: str, path: str, params: dict[str, Any]) -> list[Any] | None:
        """Every item of a paginated list (None when the route does not exist: 404)."""
        items: list[Any] = []
        for page in range(1, MAX_PAGES + 1):
            body = self.get(service, path, {**params, "page": page, "per_page": PER_PAGE})
            if body is None:
                return None
            items.extend(body["items"])
            if not body["items"] or len(items) >= int(body["total"]):
                return items
        raise PeerUnavailable(service, f"more than {MAX_PAGES} pages")
