"""Calls to the six services with a short-lived token minted for the logged-in person.

A service that is down (connection refused, timeout, 5xx) raises `ServiceUnavailable` with a
German message for the page that needs it; a refused request (4xx) raises `ApiRejected` with
the API's code, message and field `details`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import requests

SERVICE_LABELS = {
    "patient": "Der Patientendienst",
    "therapist": "Der Therapeutendienst",
    "matching": "Der Vermittlungsdienst",
    "communication": "Der Kommunikationsdienst",
    "geocoding": "Der Geodienst",
    "scraping": "Der Importdienst",
}


class ServiceUnavailable(Exception):
    def __init__(self, service: str) -> None:
        self.service = service
        label = SERVICE_LABELS.get(service, "Ein Dienst")
        self.message = (
            f"{label} ist gerade nicht erreichbar. Die übrigen Seiten der Konsole funktionieren "
            "weiter; bitte versuchen Sie es in ein paar Minuten noch einmal. Nichts von dem, "
            "was Sie eingegeben haben, ist verloren."
        )
        super().__init__(self.message)


@dataclass
class ApiRejected(Exception):
    status: int
    code: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


@dataclass
class ServiceClient:
    """One per app; `token(role)` gives the bearer token of the person of the current request,
    acting in `role`: staff for the placement work, admin for the admin pages (an admin
    account may do both; the token's subject names the person either way)."""

    urls: dict[str, str]
    token: Callable[[str], str]
    timeout_s: float = 10.0
    http: requests.Session = field(default_factory=requests.Session)
    role: str = "staff"

    def acting_as(self, role: str) -> ServiceClient:
        """The same client (and connection pool) sending tokens with `role`."""
        return replace(self, role=role)

    def request(
        self,
        method: str,
        service: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        files: Any = None,
        data: Any = None,
        idempotency_key: str | None = None,
        raw: bool = False,
    ) -> Any:
        headers = {"Authorization": f"Bearer {self.token(self.role)}"}
        if method != "GET":
            headers["Idempotency-Key"] = idempotency_key or uuid.uuid4().hex
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        try:
            response = self.http.request(
                method,
                self.urls[service] + path,
                params=clean,
                json=json,
                files=files,
                data=data,
                headers=headers,
                timeout=self.timeout_s,
            )
        except requests.RequestException as exc:
            raise ServiceUnavailable(service) from exc
        if response.status_code >= 500:
            raise ServiceUnavailable(service)
        if response.status_code >= 400:
            raise _rejected(response)
        if raw:
            return response
        return response.json() if response.content else None

    def get(self, service: str, path: str, **params: Any) -> Any:
        return self.request("GET", service, path, params=params)

    def post(self, service: str, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", service, path, json=json, **kwargs)

    def put(self, service: str, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("PUT", service, path, json=json, **kwargs)

    def patch(self, service: str, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("PATCH", service, path, json=json, **kwargs)


def _rejected(response: requests.Response) -> ApiRejected:
    try:
        error = response.json().get("error", {})
    except ValueError:
        error = {}
    return ApiRejected(
        response.status_code,
        str(error.get("code") or response.status_code),
        str(error.get("message") or response.reason),
        error.get("details") or {},
    )
