"""CORS from an allow-list in the settings: no list, no headers; never `*` with credentials."""

from __future__ import annotations

from flask import Flask, Response, request

from shared.config import BaseServiceSettings

ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-ID, X-Correlation-ID"
EXPOSED_HEADERS = "Retry-After, X-Request-ID, X-Correlation-ID, Idempotent-Replayed"
PREFLIGHT_MAX_AGE_S = "600"


class CorsPolicy:
    """Decides which headers a response to a cross-origin request carries."""

    def __init__(self, origins: tuple[str, ...], allow_credentials: bool) -> None:
        if "*" in origins and allow_credentials:
            raise ValueError("a wildcard origin cannot be combined with credentials")
        self._origins = frozenset(origins)
        self._credentials = allow_credentials

    def allowed_origin(self, origin: str | None) -> str | None:
        """The value of Access-Control-Allow-Origin for `origin`, or None (no CORS headers)."""
        if not origin:
            return None
        if origin.rstrip("/") in self._origins:
            return origin
        return "*" if "*" in self._origins else None

    def apply(self, response: Response, origin: str | None, preflight: bool) -> Response:
        allowed = self.allowed_origin(origin)
        response.vary.add("Origin")
        if allowed is None:
            return response
        response.headers["Access-Control-Allow-Origin"] = allowed
        if self._credentials:
            response.headers["Access-Control-Allow-Credentials"] = "true"
        if preflight:
            response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE_S
        else:
            response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response


def install_cors(app: Flask, settings: BaseServiceSettings) -> None:
    """Add the CORS headers after every request when CORS_ORIGINS lists any origin."""
    origins = settings.cors_origin_list
    if not origins:
        return
    policy = CorsPolicy(origins, settings.cors_allow_credentials)

    @app.after_request
    def _cors_headers(response: Response) -> Response:
        preflight = (
            request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
        )
        return policy.apply(response, request.headers.get("Origin"), preflight)
