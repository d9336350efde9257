"""Use cases of the Art. 17 erasure: tombstone the patient, emit patient.erased, track services."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from patient_service import domain, erasure_records, records
from patient_service.services import PatientNotFound
from shared.db import UnitOfWork
from shared.events.patient import ErasureCompleted, PatientErased
from shared.http.app_factory import ServiceContext

Row = dict[str, Any]
OWN_SERVICE = "patient_service"
# Services that hold data about a patient and answer patient.erased (therapist and scraping
# hold none: they never receive patient ids or contact data).
ERASING_SERVICES = (OWN_SERVICE, "matching_service", "communication_service", "geocoding_service")


def erase_patient(ctx: ServiceContext, patient_id: int, actor: str) -> tuple[Row, bool]:
    """Erase once (a repeat changes nothing); returns the erasure status and whether it is new."""
    with UnitOfWork(ctx.session_factory) as uow:
        row = records.load(uow.session, patient_id, for_update=True)
        if row is None:
            raise PatientNotFound(patient_id)
        created = row["erased_at"] is None
        if created:
            _erase(ctx, uow.session, patient_id, actor)
            uow.commit()
        return _status(uow.session, patient_id), created


def _erase(ctx: ServiceContext, session: Session, patient_id: int, actor: str) -> None:
    now = ctx.clock.now()
    erasure_records.tombstone(session, patient_id, now)
    counts = {
        "audit_entries_scrubbed": erasure_records.scrub_audit_log(session, patient_id),
        "stored_responses_deleted": erasure_records.delete_stored_responses(
            session, ctx.tables["idempotency_keys"], patient_id
        ),
        "outbox_rows_deleted": erasure_records.delete_outbox_rows(
            session, ctx.tables["outbox"], patient_id
        ),
    }
    records.add_audit(session, patient_id, now, actor, "erased", {})
    erasure_records.add_steps(
        session, patient_id, ERASING_SERVICES, OWN_SERVICE, now, actor, counts
    )
    ctx.outbox.add(session, PatientErased(patient_id=patient_id, erased_at=now), occurred_at=now)


def erasure_status(ctx: ServiceContext, patient_id: int) -> Row:
    """Per service: completed_at (null while pending), and the overall status."""
    with UnitOfWork(ctx.session_factory) as uow:
        if records.load(uow.session, patient_id) is None:
            raise PatientNotFound(patient_id)
        return _status(uow.session, patient_id)


def _status(session: Session, patient_id: int) -> Row:
    steps = erasure_records.steps(session, patient_id)
    first = steps[0] if steps else {}
    return {
        "patient_id": patient_id,
        "status": domain.erasure_status(steps),
        "requested_at": first.get("requested_at"),
        "requested_by": first.get("requested_by"),
        "services": [
            {"service": s["service"], "completed_at": s["completed_at"], "counts": s["counts"]}
            for s in steps
        ],
    }


def record_completion(session: Session, service: str, event: ErasureCompleted) -> bool:
    """A service reported its erasure done (inside the consumer's transaction)."""
    return erasure_records.complete_step(
        session, event.patient_id, service, event.completed_at, event.counts
    )
