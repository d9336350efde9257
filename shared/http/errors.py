"""Uniform JSON errors: `{"error": {"code", "message", "details"}}`, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, jsonify
from pydantic import ValidationError
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from shared.errors import ServiceError

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable_entity",
    429: "too_many_requests",
    503: "service_unavailable",
}


class ApiError(ServiceError):
    """An HTTP-level error raised by the web layer itself (auth, body parsing, limits).

    Use cases raise the `shared.errors` bases instead; both render the same way.
    """

    def __init__(
        self, status: int, message: str, code: str | None = None, details: Any = None
    ) -> None:
        super().__init__(message, details, code=code or _CODES.get(status, "error"))
        self.status = status


def error_response(status: int, code: str, message: str, details: Any = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    return response


def validation_details(exc: ValidationError) -> dict[str, list[str]]:
    """Field-level messages keyed by dotted field path."""
    details: dict[str, list[str]] = {}
    for err in exc.errors(include_url=False):
        path = ".".join(str(p) for p in err["loc"]) or "body"
        details.setdefault(path, []).append(err["msg"])
    return details


def render_error(exc: BaseException) -> Response:
    """Turn any exception into the uniform error body with the right status."""
    if isinstance(exc, ServiceError):
        return error_response(exc.status, exc.code, exc.message, exc.details)
    if isinstance(exc, ValidationError):
        return error_response(400, "validation_error", "Invalid request.", validation_details(exc))
    if isinstance(exc, HTTPException):
        status = exc.code or 500
        return error_response(status, _CODES.get(status, "error"), exc.description or exc.name)
    if isinstance(exc, DataError):
        return error_response(
            400, "validation_error", "A value has invalid characters or is out of range."
        )
    if isinstance(exc, OperationalError | DBAPIError) and _is_outage(exc):
        log.warning("database unavailable: %s", exc.__class__.__name__)
        return error_response(503, "service_unavailable", "Database temporarily unavailable.")
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "internal_error", "Internal error.")


def _is_outage(exc: DBAPIError) -> bool:
    return isinstance(exc, OperationalError) or bool(exc.connection_invalidated)
