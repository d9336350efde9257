"""Helpers shared by the patient resources: caller, today, versions, error translation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from flask import g, request

from patient_service import domain, services
from patient_service.profile import local_today
from shared.http.app_factory import context
from shared.http.errors import ApiError

TAGS = ("patients",)
ROLES = ("staff",)
# Reading one patient is also open to services (communication needs contact data for e-mails).
READ_ROLES = ("staff", "service")
NOT_FOUND = ("No such patient", None)
CONFLICT = ("Stale version, a status change domain.md does not allow, or an erased patient", None)
ERASED = ("The patient's data was erased (Art. 17): the record no longer changes", None)
INCOMPLETE = ("The case is incomplete (details name each missing field)", None)
NOT_JSON = ("Body is not JSON", None)


def actor() -> str:
    """The token subject of the caller (for the audit log)."""
    principal = getattr(g, "principal", None)
    return principal.subject if principal else "anonymous"


def today() -> date:
    """Today's date in Germany, from the injected clock."""
    return local_today(context().clock.now())


def requested_version(body_version: int | None) -> int | None:
    """`If-Match` header, else `version` in the body; 400 when malformed or contradictory."""
    try:
        header = domain.parse_version(request.headers.get("If-Match"))
    except ValueError as exc:
        raise ApiError(400, str(exc), "validation_error", {"If-Match": [str(exc)]}) from exc
    if header is not None and body_version is not None and header != body_version:
        raise ApiError(
            400,
            "If-Match and version disagree.",
            "validation_error",
            {"version": ["must equal If-Match"]},
        )
    return header if header is not None else body_version


def refuse_repeated_query_params() -> None:
    """Each filter takes one value; `?q=a&q=b` is ambiguous, so it is a 400."""
    repeated = [k for k, values in request.args.lists() if len(values) > 1]
    if repeated:
        raise ApiError(
            400,
            "Invalid request.",
            "validation_error",
            {k: ["give this parameter once"] for k in repeated},
        )


def check_dates(problems: dict[str, list[str]]) -> None:
    """400 with field-level messages when date checks failed."""
    found = {field: msgs for field, msgs in problems.items() if msgs}
    if found:
        raise ApiError(400, "Invalid request.", "validation_error", found)


@contextmanager
def service_errors() -> Iterator[None]:
    """Use-case exceptions → 404 / 409 / 422 with the platform's error body."""
    try:
        yield
    except services.PatientNotFound as exc:
        raise ApiError(404, f"Patient {exc.args[0]} not found.") from exc
    except services.PatientErased as exc:
        raise ApiError(
            409,
            f"Patient {exc.args[0]} was erased; the record no longer changes.",
            "patient_erased",
        ) from exc
    except services.VersionConflict as exc:
        raise ApiError(
            409,
            "The patient was changed meanwhile; reload it.",
            "version_conflict",
            {"current_version": exc.args[0]},
        ) from exc
    except domain.TransitionRefused as exc:
        raise ApiError(409, str(exc), "invalid_transition") from exc
    except services.CaseIncomplete as exc:
        raise ApiError(422, "The case is incomplete.", "case_incomplete", exc.missing) from exc


def with_etag(body: dict[str, Any], status: int = 200) -> tuple[dict[str, Any], int, dict]:
    """A patient body with its version as the ETag (for If-Match)."""
    return body, status, {"ETag": f'"{body["version"]}"'}
