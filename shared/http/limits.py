"""Rate limiting of write routes (Flask-Limiter): per caller, 429 with the uniform error body."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, request
from flask_limiter import ApplicationLimit, Limiter
from flask_limiter.util import get_remote_address
from limits import parse as parse_rate_limit

from shared.config import BaseServiceSettings
from shared.http.errors import ApiError

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LIMITED_PREFIX = "/api/"

TOO_MANY_WRITES = (
    "Zu viele Schreibanfragen in kurzer Zeit ({limit}). Bitte kurz warten und erneut versuchen."
)

_RATE_LIMIT_RESPONSE = {
    "description": "Too many writes by this caller (see the Retry-After header)",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def is_limited_request() -> bool:
    """True for POST/PUT/PATCH/DELETE under /api/ (reads, health and docs are never limited)."""
    return request.method in WRITE_METHODS and request.path.startswith(LIMITED_PREFIX)


def caller_key() -> str:
    """The token subject when the bearer token is valid, else the client address."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        try:
            principal = current_app.extensions["token_verifier"].verify(token.strip())
        except ApiError:
            pass  # an invalid token is counted against the address it came from
        else:
            return f"subject:{principal.role}:{principal.subject}"
    return f"address:{get_remote_address()}"


TOO_MANY_OPENINGS = (
    "Dieser Link wurde in kurzer Zeit zu oft aufgerufen ({limit}). Bitte warten Sie einen "
    "Moment und versuchen Sie es dann erneut."
)


@dataclass(frozen=True)
class PublicRouteLimit:
    """A budget per URL under a public prefix (every method): one per signed link, so that
    nobody can hammer one link; the key is a digest of the path, never the token itself."""

    prefix: str
    limit: str

    def applies(self) -> bool:
        return request.path.startswith(self.prefix)

    def application_limit(self) -> ApplicationLimit:
        return ApplicationLimit(
            self.limit,
            key_function=path_key,
            scope=f"public:{self.prefix}",
            error_message=TOO_MANY_OPENINGS.format(limit=parse_rate_limit(self.limit)),
            exempt_when=lambda: not self.applies(),
        )


def path_key() -> str:
    """One counter per URL path (a digest: signed tokens never reach the counter storage)."""
    return "path:" + hashlib.sha256(request.path.encode()).hexdigest()[:32]


def install_rate_limit(
    app: Flask, settings: BaseServiceSettings, public: Sequence[PublicRouteLimit] = ()
) -> Limiter:
    """One shared write budget per caller and app, plus a budget per URL of each public
    prefix in `public`; disabled with RATE_LIMIT_ENABLED=false."""
    message = TOO_MANY_WRITES.format(limit=parse_rate_limit(settings.rate_limit_writes))
    limiter = Limiter(
        caller_key,
        application_limits=[
            ApplicationLimit(
                settings.rate_limit_writes,
                scope="writes",
                error_message=message,
                exempt_when=lambda: not is_limited_request(),
            ),
            *(limit.application_limit() for limit in public),
        ],
        headers_enabled=True,
        storage_uri=settings.rate_limit_storage_uri,
        key_prefix=settings.service_name,
        enabled=settings.rate_limit_enabled,
    )
    limiter.init_app(app)
    app.extensions["rate_limiter"] = limiter
    return limiter


def document_rate_limit(spec: dict[str, Any], settings: BaseServiceSettings) -> dict[str, Any]:
    """Add the 429 answer to every limited operation of an OpenAPI document."""
    if not settings.rate_limit_enabled:
        return spec
    for path, item in spec["paths"].items():
        if not path.startswith(LIMITED_PREFIX):
            continue
        for method, op in item.items():
            if method.upper() in WRITE_METHODS:
                op["responses"].setdefault("429", copy.deepcopy(_RATE_LIMIT_RESPONSE))
    return spec
