"""One error vocabulary for every service: what went wrong, with a code and details.

Use cases and domain rules raise subclasses of these bases; the HTTP layer maps them to a status
once (`shared.http.errors.render_error`), so no resource translates exceptions itself. Pure: no
Flask, no SQLAlchemy. Every code a service can answer is listed in `docs/errors.md` (generated).
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A failure the caller should see: `status` (HTTP), stable `code`, message, details."""

    status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str, details: Any = None, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}
        if code is not None:
            self.code = code


class InvalidInput(ServiceError):
    """The request itself is malformed (400)."""

    status = 400
    code = "validation_error"


class NotFound(ServiceError):
    """The named record does not exist (404)."""

    status = 404
    code = "not_found"


class Conflict(ServiceError):
    """The request contradicts the record's current state (409)."""

    status = 409
    code = "conflict"


class Unprocessable(ServiceError):
    """Well-formed, but the rules do not allow it now (422)."""

    status = 422
    code = "unprocessable_entity"


class Unavailable(ServiceError):
    """A dependency (database, another service, SMTP) does not answer (503)."""

    status = 503
    code = "service_unavailable"
