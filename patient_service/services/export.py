"""Art. 15/20 export use case: everything every service holds about one patient, one document."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from patient_service.clients.peers import Peers, PeerUnavailable
from patient_service.context import PatientContext
from patient_service.domain.documents import iso_values
from patient_service.domain.erasure import OWN_SERVICE, erasure_report
from patient_service.domain.errors import ExportRefused, PatientNotFound
from patient_service.domain.patients import Row
from shared.audit import RecordRef
from shared.config import SERVICE_NAMES

RenderPatient = Callable[[Row, date], Any]


def export_patient(
    ctx: PatientContext, patient_id: int, render_patient: RenderPatient, today: date
) -> dict[str, Any]:
    """The whole document; ExportRefused (never a partial document) when a service fails."""
    own = own_data(ctx, patient_id, render_patient, today)
    try:
        return {
            "patient_id": patient_id,
            "generated_at": ctx.clock.now().isoformat(),
            OWN_SERVICE: own["document"],
            "matching_service": matching_data(ctx.peers, patient_id),
            "communication_service": communication_data(ctx.peers, patient_id),
            "audit_entries": {
                OWN_SERVICE: own["audit_entries"],
                **peer_audit_entries(ctx.peers, patient_id),
            },
        }
    except PeerUnavailable as exc:
        raise ExportRefused(exc.service, exc.reason) from exc


def own_data(
    ctx: PatientContext, patient_id: int, render_patient: RenderPatient, today: date
) -> dict[str, Any]:
    """This service's part: the patient, consents, timeline, erasure, its audit trail."""
    with ctx.unit_of_work() as uow:
        row = uow.patients.load(patient_id)
        if row is None:
            raise PatientNotFound(patient_id)
        document = {
            "patient": render_patient(row, today),
            "consents": [iso_values(consent) for consent in uow.consents.history(patient_id)],
            "timeline": [iso_values(entry) for entry in uow.timeline.entries(patient_id)],
            "erasure": iso_values(erasure_report(patient_id, uow.erasure.steps(patient_id))),
        }
        entries = uow.audit_trail.entries_about(RecordRef("patient", str(patient_id)))
    return {"document": document, "audit_entries": entries}


def peer_audit_entries(peers: Peers, patient_id: int) -> dict[str, Any]:
    """Every other service's audit entries about the patient (null where it has no trail)."""
    params = {"record": f"patient:{patient_id}"}
    return {
        service: peers.get_all(service, "/api/audit", params)
        for service in SERVICE_NAMES
        if service != OWN_SERVICE
    }


def matching_data(peers: Peers, patient_id: int) -> Row:
    """The patient's placement requests, from the matching service."""
    params = {"patient_id": patient_id}
    requests = peers.get_all("matching_service", "/api/placement-requests", params)
    return {"placement_requests": requests or []}


def communication_data(peers: Peers, patient_id: int) -> Row:
    """E-mails, calls and answers about the patient, from the communication service."""
    body = peers.get("communication_service", f"/api/patients/{patient_id}/communications")
    return body or {"requests": [], "emails": [], "calls": [], "answers": []}
