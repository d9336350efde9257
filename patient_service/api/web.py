"""What every patient resource shares: roles, response texts, today, If-Match and the ETag."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import request

from patient_service.context import PatientContext
from patient_service.domain.dates import local_today
from patient_service.domain.versions import requested_version
from shared.http.app_factory import context_of
from shared.http.errors import ApiError

TAGS = ("patients",)
ROLES = ("staff",)
# Reading one patient is also open to services (communication needs contact data for e-mails).
READ_ROLES = ("staff", "service")
NOT_FOUND = ("No such patient", None)
CONFLICT = (
    "Stale version, a status change docs/domain.md does not allow, or an erased patient",
    None,
)
ERASED = ("The patient's data was erased (Art. 17): the record no longer changes", None)
INCOMPLETE = ("The case is incomplete (details name each missing field)", None)
NOT_JSON = ("Body is not JSON", None)


def patient_context() -> PatientContext:
    """The patient service's context of the current app."""
    return context_of(PatientContext)


def today() -> date:
    """Today's date in Germany, from the injected clock."""
    return local_today(patient_context().clock.now())


def version_of(body_version: int | None) -> int | None:
    """`If-Match` header, else `version` in the body; 400 when malformed or contradictory."""
    return requested_version(request.headers.get("If-Match"), body_version)


def refuse_repeated_query_params() -> None:
    """Each filter takes one value; `?q=a&q=b` is ambiguous, so it is a 400."""
    repeated = [name for name, values in request.args.lists() if len(values) > 1]
    if repeated:
        raise ApiError(
            400,
            "Invalid request.",
            "validation_error",
            {name: ["give this parameter once"] for name in repeated},
        )


def with_etag(body: dict[str, Any], status: int = 200) -> tuple[dict[str, Any], int, dict]:
    """A patient body with its version as the ETag (for If-Match)."""
    return body, status, {"ETag": f'"{body["version"]}"'}
