"""The audit trail in the HTTP layer: record each write and each declared read; `GET /api/audit`.

An entry is written right after the view, in a transaction of its own (an `after_request`
hook), so one mechanism covers every route of every service. Consequences: a write's own
transaction has already committed when its entry is written; if that entry cannot be stored,
the failure is logged at ERROR with every field of the entry (ids only) and counted in
`audit_write_failures_total`, so it can be restored from the logs. A declared read (patient
data) fails closed: when its entry cannot be stored the caller gets 503 instead of the data.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Protocol

from flask import Flask, Response, current_app, g, request
from flask_restful import Resource
from prometheus_client import Counter
from pydantic import BaseModel, ConfigDict, Field

from shared.audit import (
    AUDIT_TABLE,
    RECORD_ID,
    RECORD_TYPE,
    WRITE_METHODS,
    AuditEntry,
    RecordRef,
    action_for,
    find_entries,
)
from shared.clock import Clock
from shared.http.auth import Principal
from shared.http.errors import ApiError, error_response
from shared.http.operations import AuditRecord, operation
from shared.http.pagination import PageQuery, page_body

log = logging.getLogger(__name__)

FAILURES = Counter(
    "audit_write_failures_total", "Audit entries that could not be stored", ["service", "kind"]
)
_NUMERIC_ID = re.compile(r"[0-9]{1,19}")


class EntryWriter(Protocol):
    def write(self, entries: list[AuditEntry]) -> None: ...


def install_audit_trail(app: Flask, writer: EntryWriter | None, clock: Clock) -> None:
    """Record every authenticated write and every declared read under `/api/`, and the
    requests of public routes that name their caller with `audit_as`."""
    if writer is None:
        log.warning("audit trail off: no %s table registered on the service metadata", AUDIT_TABLE)
        return

    @app.after_request
    def _record(response: Response) -> Response:
        return record_request(writer, clock, response)


def audit_as(principal: Principal, records: Iterable[RecordRef]) -> None:
    """A public route whose caller is known without a token (a signed answer link): the
    request is audited like an authenticated one, as `principal`, about `records`."""
    g.principal = principal
    g.audit_public_records = tuple(records)


def record_request(writer: EntryWriter, clock: Clock, response: Response) -> Response:
    """Write the request's entries; a declared read whose entry fails becomes a 503."""
    principal: Principal | None = getattr(g, "principal", None)
    public: tuple[RecordRef, ...] | None = getattr(g, "audit_public_records", None)
    if principal is None or request.url_rule is None:
        return response
    if public is None and not request.path.startswith("/api/"):
        return response
    is_write = request.method in WRITE_METHODS
    records = resolved_records(getattr(g, "audit_records", ()), response)
    records += [record for record in public or () if record not in records]
    if not is_write and not records:
        return response
    targets: list[RecordRef | None] = list(records) if records else [None]
    entries = entries_for(principal, targets, response.status_code, clock.now())
    try:
        writer.write(entries)
    except Exception:  # noqa: BLE001 - never lost silently: logged, counted, reads refused
        kind = "write" if is_write else "read"
        FAILURES.labels(current_app.name, kind).inc()
        log.error(
            "audit entry not stored",
            exc_info=True,
            extra={"audit_entries": [e.row() for e in entries]},
        )
        if not is_write:
            return error_response(
                503, "service_unavailable", "Audit trail unavailable; the record is not shown."
            )
    return response


def entries_for(
    principal: Principal, records: list[RecordRef | None], status: int, at: datetime
) -> list[AuditEntry]:
    """One entry per record, all sharing who / when / what."""
    rule = request.url_rule.rule if request.url_rule else request.path
    return [
        AuditEntry(
            at=at,
            subject=principal.subject,
            role=principal.role,
            action=action_for(request.method, rule),
            method=request.method,
            route=rule,
            record=record,
            status=status,
            request_id=getattr(g, "request_id", None),
        )
        for record in records
    ]


def resolved_records(declared: tuple[AuditRecord, ...], response: Response) -> list[RecordRef]:
    """The records the declarations find in this request and its answer (no duplicates)."""
    found: dict[RecordRef, None] = {}
    answer = _answer(response) if any(d.response for d in declared) else None
    for declaration in declared:
        record_type = _record_type(declaration, answer)
        for value in _values(declaration, answer):
            record_id = _record_id(value, numeric=declaration.path is None)
            if record_type is not None and record_id is not None:
                found[RecordRef(record_type, record_id)] = None
    return list(found)


def _values(declaration: AuditRecord, answer: Any) -> Iterator[Any]:
    if declaration.path is not None:
        yield (request.view_args or {}).get(declaration.path)
    elif declaration.query is not None:
        yield from request.args.getlist(declaration.query)
    elif declaration.response is not None:
        yield from values_at(answer, declaration.response)


def values_at(data: Any, dotted: str) -> list[Any]:
    """Values under a dotted path; lists on the way are walked (`items.patients.patient_id`)."""
    current = [data]
    for key in dotted.split("."):
        current = [
            item[key]
            for node in current
            for item in (node if isinstance(node, list) else [node])
            if isinstance(item, dict) and key in item
        ]
    return [v for node in current for v in (node if isinstance(node, list) else [node])]


def _record_type(declaration: AuditRecord, answer: Any) -> str | None:
    if declaration.type_from is None:
        return declaration.record_type
    value = answer.get(declaration.type_from) if isinstance(answer, dict) else None
    return value if isinstance(value, str) and RECORD_TYPE.fullmatch(value) else None


def _record_id(value: Any, numeric: bool) -> str | None:
    """Ids only: numbers from queries and answers; URL variables as the route matched them."""
    if isinstance(value, bool) or value is None:
        return None
    text = str(value)
    pattern = _NUMERIC_ID if numeric else RECORD_ID
    return text if pattern.fullmatch(text) else None


def _answer(response: Response) -> Any:
    if response.status_code >= 300 or not response.is_json:
        return None
    return response.get_json(silent=True)


class AuditQuery(PageQuery):
    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(default=None, min_length=1, max_length=200)
    record: str | None = Field(
        default=None, max_length=151, description="`<record_type>:<record_id>`, e.g. patient:42"
    )


class AuditEntryRead(BaseModel):
    id: int
    at: datetime
    subject: str
    role: str | None
    action: str
    method: str
    route: str
    record_type: str | None
    record_id: str | None
    status: int
    request_id: str | None


class AuditPage(BaseModel):
    items: list[AuditEntryRead]
    page: int
    per_page: int
    total: int


class AuditListResource(Resource):
    @operation(
        "Audit trail of this service: who did what to which record, newest first",
        roles=("admin", "service"),
        query=AuditQuery,
        tags=("audit",),
        responses={200: ("A page of audit entries", AuditPage), 503: ("No audit table", None)},
    )
    def get(self, query: AuditQuery) -> Any:
        record = record_filter(query.record)
        ctx = current_app.extensions["psymatch"]
        table = ctx.tables.get(AUDIT_TABLE)
        if table is None:
            raise ApiError(503, "This service keeps no audit trail.")
        with ctx.session_factory() as session:
            items, total = find_entries(
                session, table, query.subject, record, query.offset, query.per_page
            )
        return page_body(items, query, total)


def record_filter(text: str | None) -> RecordRef | None:
    """`patient:42` → RecordRef; a malformed value is a 400 that says the expected form."""
    if text is None:
        return None
    try:
        return RecordRef.parse(text)
    except ValueError as exc:
        raise ApiError(
            400,
            "record must have the form <record_type>:<record_id>, e.g. patient:42.",
            "validation_error",
            {"record": ["expected <record_type>:<record_id>, e.g. patient:42"]},
        ) from exc
