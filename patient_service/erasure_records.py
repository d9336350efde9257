"""Queries of the Art. 17 erasure inside the caller's transaction (never commits)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from patient_service import domain
from patient_service.models import audit_log, erasure_steps, patients

Row = dict[str, Any]

# What a tombstone keeps: id, status, version, consent facts, lifecycle dates, placed therapist.
TOMBSTONE: Row = {
    "salutation": None,
    "first_name": None,
    "last_name": None,
    "gender": "unspecified",
    "birth_date": None,
    "email": None,
    "phone": None,
    "street": None,
    "house_number": None,
    "postal_code": None,
    "city": None,
    "insurer": None,
    "insurance_number": None,
    "symptoms": [],
    "crisis": False,
    "urgent": False,
    "urgent_flagged": False,
    "diagnosis_icd10": None,
    "initial_consultation_date": None,
    "had_therapy": None,
    "last_session_date": None,
    "preferences": {},
    "availability": {},
    "exclusions": [],
    # `failed`, never `pending`: the resolve-locations job must not look the tombstone up.
    "location_status": "failed",
    "latitude": None,
    "longitude": None,
    "location_precision": None,
    "location_source": None,
}


def tombstone(session: Session, patient_id: int, now: datetime) -> None:
    """Replace the personal columns of a patient with neutral values and mark it erased."""
    session.execute(
        update(patients)
        .where(patients.c.id == patient_id)
        .values(
            **TOMBSTONE,
            erased_at=now,
            updated_at=now,
            version=patients.c.version + 1,
        )
    )


def scrub_audit_log(session: Session, patient_id: int) -> int:
    """Old and new values of personal fields in the patient's audit entries become `[erased]`."""
    rows = session.execute(
        select(audit_log.c.id, audit_log.c.changes).where(audit_log.c.patient_id == patient_id)
    ).all()
    for row_id, changes in rows:
        session.execute(
            update(audit_log)
            .where(audit_log.c.id == row_id)
            .values(changes=domain.scrub_changes(changes))
        )
    return len(rows)


def delete_stored_responses(session: Session, idempotency: Table, patient_id: int) -> int:
    """Replayable answers of retried writes about this patient hold its full record."""
    t = idempotency
    path = f"/api/patients/{patient_id}"
    result = session.execute(
        delete(t).where(
            or_(
                t.c.path == path,
                t.c.path.startswith(path + "/", autoescape=True),
                (t.c.path == "/api/patients") & (t.c.response["id"].astext == str(patient_id)),
            )
        )
    )
    return int(result.rowcount or 0)


def delete_outbox_rows(session: Session, outbox: Table, patient_id: int) -> int:
    """Earlier events of the patient (published or not): patient.erased supersedes them all."""
    result = session.execute(delete(outbox).where(outbox.c.key == f"patient:{patient_id}"))
    return int(result.rowcount or 0)


def add_steps(
    session: Session,
    patient_id: int,
    services: Iterable[str],
    done_here: str,
    now: datetime,
    actor: str,
    counts: dict[str, int],
) -> None:
    """One step per service; this service's own step is completed at once."""
    for service in services:
        own = service == done_here
        session.execute(
            insert(erasure_steps).values(
                patient_id=patient_id,
                service=service,
                requested_at=now,
                requested_by=actor,
                completed_at=now if own else None,
                counts=counts if own else None,
            )
        )


def steps(session: Session, patient_id: int) -> list[Row]:
    """The erasure steps of a patient, in service order."""
    query = (
        select(erasure_steps)
        .where(erasure_steps.c.patient_id == patient_id)
        .order_by(erasure_steps.c.service)
    )
    return [dict(r) for r in session.execute(query).mappings()]


def complete_step(
    session: Session, patient_id: int, service: str, at: datetime, counts: dict[str, int]
) -> bool:
    """Record a service's completion once; False when unknown or already recorded."""
    result = session.execute(
        update(erasure_steps)
        .where(
            erasure_steps.c.patient_id == patient_id,
            erasure_steps.c.service == service,
            erasure_steps.c.completed_at.is_(None),
        )
        .values(completed_at=at, counts=counts)
    )
    return bool(result.rowcount)
