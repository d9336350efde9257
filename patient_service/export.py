"""Art. 15/20 export: everything every service holds about one patient, in one document."""

from __future__ import annotations

from datetime import date
from typing import Any

from patient_service import erasure, records
from patient_service.peers import PeerClient
from patient_service.services import PatientNotFound
from shared.audit import AUDIT_TABLE, RecordRef, find_entries
from shared.config import SERVICE_NAMES
from shared.db import UnitOfWork
from shared.http.app_factory import ServiceContext

Row = dict[str, Any]
OWN_SERVICE = "patient_service"
AUDIT_PAGE = 100


def peers(ctx: ServiceContext) -> PeerClient:
    """The HTTP client built once by app.py."""
    return ctx.extra["peers"]


def own_data(ctx: ServiceContext, patient_id: int) -> tuple[Row, list[Row], list[Row]]:
    """The patient row, its consent records and its timeline (audit log and events)."""
    with UnitOfWork(ctx.session_factory) as uow:
        row = records.load(uow.session, patient_id)
        if row is None:
            raise PatientNotFound(patient_id)
        consents = records.consent_history(uow.session, patient_id)
        return row, consents, records.timeline(uow.session, patient_id)


def own_audit_entries(ctx: ServiceContext, patient_id: int) -> list[Row]:
    """This service's audit trail entries about the patient, read from its own database."""
    table = ctx.tables.get(AUDIT_TABLE)
    if table is None:
        return []
    record = RecordRef("patient", str(patient_id))
    entries: list[Row] = []
    with UnitOfWork(ctx.session_factory) as uow:
        while True:
            page, total = find_entries(uow.session, table, None, record, len(entries), AUDIT_PAGE)
            entries.extend(page)
            if not page or len(entries) >= total:
                return entries


def audit_entries(ctx: ServiceContext, patient_id: int) -> dict[str, Any]:
    """Every service's audit entries about the patient (null where a service has no trail)."""
    result: dict[str, Any] = {OWN_SERVICE: own_audit_entries(ctx, patient_id)}
    params = {"record": f"patient:{patient_id}"}
    for service in SERVICE_NAMES:
        if service != OWN_SERVICE:
            result[service] = peers(ctx).get_all(service, "/api/audit", params)
    return result


def matching_data(ctx: ServiceContext, patient_id: int) -> Row:
    """The patient's placement requests, from the matching service."""
    params = {"patient_id": patient_id}
    requests = peers(ctx).get_all("matching_service", "/api/placement-requests", params)
    return {"placement_requests": requests or []}


def communication_data(ctx: ServiceContext, patient_id: int) -> Row:
    """E-mails, calls and answers about the patient, from the communication service."""
    body = peers(ctx).get("communication_service", f"/api/patients/{patient_id}/communications")
    return body or {"requests": [], "emails": [], "calls": [], "answers": []}


def assemble(
    ctx: ServiceContext, patient_id: int, patient_body: Any, today: date
) -> dict[str, Any]:
    """The whole document; PeerUnavailable (never a partial document) when a service fails."""
    row, consents, timeline = own_data(ctx, patient_id)
    return {
        "patient_id": patient_id,
        "generated_at": ctx.clock.now().isoformat(),
        "patient_service": {
            "patient": patient_body(row, today),
            "consents": [iso_values(c) for c in consents],
            "timeline": [iso_values(e) for e in timeline],
            "erasure": iso_values(erasure.erasure_status(ctx, patient_id)),
        },
        "matching_service": matching_data(ctx, patient_id),
        "communication_service": communication_data(ctx, patient_id),
        "audit_entries": audit_entries(ctx, patient_id),
    }


def iso_values(row: Row) -> Row:
    """Dates and times as ISO strings, nested lists of dicts included."""
    return {k: _iso(v) for k, v in row.items()}


def _iso(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return [iso_values(v) if isinstance(v, dict) else _iso(v) for v in value]
    return value
