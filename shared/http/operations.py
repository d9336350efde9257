"""`@operation`: one decorator that declares roles, validates input and documents a route."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_args, get_origin

from flask import g, request
from pydantic import BaseModel

from shared.audit import RECORD_TYPE
from shared.http.auth import roles_required
from shared.http.errors import ApiError


@dataclass(frozen=True)
class AuditRecord:
    """Which record a route addresses, for the audit trail: a type and where its id is.

    `path` names a URL variable, `query` a query parameter, `response` a field of the JSON
    answer (dotted, lists are walked: `items.patient_id`); `type_from` names a top-level
    answer field that holds the type instead (geocoding's `subject_type`).
    """

    record_type: str
    path: str | None = None
    query: str | None = None
    response: str | None = None
    type_from: str | None = None

    def __post_init__(self) -> None:
        if not RECORD_TYPE.fullmatch(self.record_type):
            raise ValueError(f"record type {self.record_type!r} is not lower_snake")
        if [self.path, self.query, self.response].count(None) != 2:
            raise ValueError("give exactly one of path, query, response")


AuditDeclaration = AuditRecord | tuple[str, str] | tuple[AuditRecord, ...] | list[AuditRecord]


@dataclass(frozen=True)
class OperationSpec:
    summary: str
    roles: tuple[str, ...] | None
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    responses: dict[int, tuple[str, type[BaseModel] | None]] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    audit: tuple[AuditRecord, ...] = ()


def operation(
    summary: str,
    *,
    roles: tuple[str, ...] | list[str] | None,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    responses: dict[int, tuple[str, type[BaseModel] | None]] | None = None,
    tags: tuple[str, ...] = (),
    audit: AuditDeclaration | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Guard a view with roles (None = public) and pass validated `body=` / `query=` to it.

    `audit` names the record(s) the route addresses, e.g. `("patient", "patient_id")` (a URL
    variable) or `AuditRecord(...)`s. Writes are always audited; reads only when declared.
    """
    spec = OperationSpec(
        summary,
        tuple(roles) if roles is not None else None,
        body,
        query,
        responses or {200: ("OK", None)},
        tags,
        audit_records(audit),
    )

    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def validated(*args: Any, **kwargs: Any) -> Any:
            g.audit_records = spec.audit
            if query is not None:
                kwargs["query"] = query.model_validate(query_arguments(query))
            if body is not None:
                kwargs["body"] = body.model_validate(_json_body())
            return view(*args, **kwargs)

        guarded = roles_required(*spec.roles)(validated) if spec.roles is not None else validated
        guarded.__openapi__ = spec  # type: ignore[attr-defined]
        return guarded

    return wrap


def audit_records(declared: AuditDeclaration | None) -> tuple[AuditRecord, ...]:
    """The declaration in one form: `("patient", "patient_id")` means a URL variable."""
    if declared is None:
        return ()
    if isinstance(declared, AuditRecord):
        return (declared,)
    if len(declared) == 2 and all(isinstance(part, str) for part in declared):
        record_type, variable = declared
        return (AuditRecord(str(record_type), path=str(variable)),)
    if not all(isinstance(part, AuditRecord) for part in declared):
        raise TypeError(f"not an audit declaration: {declared!r}")
    return tuple(declared)  # type: ignore[arg-type]


def query_arguments(model: type[BaseModel]) -> dict[str, Any]:
    """Query parameters for `model`: lists where the field is a list, else exactly one value."""
    data: dict[str, Any] = {}
    repeated = []
    for key, values in request.args.lists():
        field = model.model_fields.get(key)
        if field is not None and _is_list(field.annotation):
            data[key] = values
        elif len(values) > 1:
            repeated.append(key)
        else:
            data[key] = values[0]
    if repeated:
        raise ApiError(
            400,
            "Invalid request.",
            "validation_error",
            {key: ["give this parameter once"] for key in repeated},
        )
    return data


def _is_list(annotation: Any) -> bool:
    if get_origin(annotation) in (list, set, tuple, frozenset):
        return True
    return any(_is_list(arg) for arg in get_args(annotation))


def _json_body() -> Any:
    if not request.is_json:
        raise ApiError(415, "Send a JSON body with Content-Type: application/json.")
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "The request body is not valid JSON.", "validation_error")
    return data
