"""Queries on the patient tables inside a caller's transaction (never commits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from patient_service.models import audit_log, consents, event_log, patients

Row = dict[str, Any]
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class ListFilter:
    """Filters of the patient list."""

    status: str | None = None
    q: str | None = None
    postal_code: str | None = None
    crisis: bool | None = None
    location_status: str | None = None


_BY_ID = select(patients).where(patients.c.id == bindparam("patient_id"))
_BY_ID_LOCKED = _BY_ID.with_for_update()


def load(session: Session | Connection, patient_id: int, for_update: bool = False) -> Row | None:
    """One patient row as a dict, optionally locked for this transaction."""
    if not 1 <= patient_id <= MAX_ID:
        return None
    query = _BY_ID_LOCKED if for_update else _BY_ID
    row = session.execute(query, {"patient_id": patient_id}).mappings().first()
    return dict(row) if row else None


def reserve_patient_id(conn: Connection) -> int:
    """The next patient id, taken before the insert (sequence values are never handed out twice)."""
    query = text("SELECT nextval(pg_get_serial_sequence('patient_service.patients', 'id'))")
    return int(conn.execute(query).scalar_one())


def insert_patient(session: Session, values: Row) -> Row:
    """Insert a patient and return the stored row."""
    row = session.execute(insert(patients).values(**values).returning(patients)).mappings().one()
    return dict(row)


def update_patient(session: Session, patient_id: int, version: int, values: Row) -> Row | None:
    """Write `values` if the row is still at `version` (optimistic lock); None when stale."""
    statement = (
        update(patients)
        .where(patients.c.id == patient_id, patients.c.version == version)
        .values(**values, version=version + 1)
        .returning(patients)
    )
    row = session.execute(statement).mappings().first()
    return dict(row) if row else None


def note_location_attempt(session: Session, patient_id: int, located: Row) -> None:
    """Count a failed geocoding attempt without a new version (staff edits stay valid)."""
    session.execute(
        update(patients)
        .where(patients.c.id == patient_id)
        .values(
            location_attempts=located["location_attempts"],
            location_checked_at=located["location_checked_at"],
        )
    )


def add_audit(
    session: Session,
    patient_id: int,
    at: datetime,
    actor: str,
    action: str,
    changes: dict[str, Any],
) -> None:
    """Who changed what about a patient, and when."""
    session.execute(
        insert(audit_log).values(
            patient_id=patient_id, at=at, actor=actor, action=action, changes=changes
        )
    )


def add_consent(
    session: Session, patient_id: int, version: str, given_at: datetime, actor: str, at: datetime
) -> None:
    """A consent record (the current one is mirrored on the patient row)."""
    session.execute(
        insert(consents).values(
            patient_id=patient_id,
            version=version,
            given_at=given_at,
            recorded_by=actor,
            recorded_at=at,
        )
    )


def withdraw_consents(session: Session, patient_id: int, at: datetime) -> None:
    """Mark every open consent record of a patient as withdrawn."""
    session.execute(
        update(consents)
        .where(consents.c.patient_id == patient_id, consents.c.withdrawn_at.is_(None))
        .values(withdrawn_at=at)
    )


def consent_history(session: Session, patient_id: int) -> list[Row]:
    """Every consent record of a patient, oldest first."""
    query = select(consents).where(consents.c.patient_id == patient_id).order_by(consents.c.id)
    return [dict(r) for r in session.execute(query).mappings()]


def log_event(session: Session, patient_id: int, envelope: Any, summary: dict[str, Any]) -> None:
    """Remember a consumed event about a patient for the timeline."""
    session.execute(
        insert(event_log).values(
            patient_id=patient_id,
            event_id=envelope.event_id,
            event_type=envelope.event_type,
            occurred_at=envelope.occurred_at,
            producer=envelope.producer,
            summary=summary,
        )
    )


def list_patients(
    session: Session, flt: ListFilter, offset: int, limit: int
) -> tuple[list[Row], int]:
    """One page of patients (crisis and urgent first) and the total count."""
    conditions = _conditions(flt)
    total = session.execute(select(func.count()).select_from(patients).where(*conditions))
    query = (
        select(patients)
        .where(*conditions)
        .order_by(patients.c.crisis.desc(), patients.c.urgent.desc(), patients.c.id)
        .offset(offset)
        .limit(limit)
    )
    return [dict(r) for r in session.execute(query).mappings()], int(total.scalar_one())


def _conditions(flt: ListFilter) -> list[Any]:
    conditions: list[Any] = []
    if flt.status:
        conditions.append(patients.c.status == flt.status)
    if flt.postal_code:
        conditions.append(patients.c.postal_code.startswith(flt.postal_code, autoescape=True))
    if flt.crisis is not None:
        conditions.append(patients.c.crisis.is_(flt.crisis))
    if flt.location_status:
        conditions.append(patients.c.location_status == flt.location_status)
    if flt.q:
        conditions.append(_name_matches(flt.q))
    return conditions


def _name_matches(q: str) -> Any:
    full = func.concat(patients.c.first_name, " ", patients.c.last_name)
    pattern = q.strip()
    return or_(
        *(
            col.icontains(pattern, autoescape=True)
            for col in (patients.c.first_name, patients.c.last_name, full)
        )
    )


def timeline(session: Session, patient_id: int) -> list[Row]:
    """Audit entries and consumed events of one patient, oldest first."""
    audits = session.execute(
        select(audit_log).where(audit_log.c.patient_id == patient_id).order_by(audit_log.c.id)
    ).mappings()
    events = session.execute(
        select(event_log).where(event_log.c.patient_id == patient_id).order_by(event_log.c.id)
    ).mappings()
    entries = [
        {
            "kind": "audit",
            "at": a["at"],
            "actor": a["actor"],
            "action": a["action"],
            "details": a["changes"],
        }
        for a in audits
    ]
    entries += [
        {
            "kind": "event",
            "at": e["occurred_at"],
            "actor": e["producer"],
            "action": e["event_type"],
            "details": e["summary"],
        }
        for e in events
    ]
    return sorted(entries, key=lambda entry: entry["at"])


def next_pending_location(session: Session, after_id: int) -> Row | None:
    """The next patient waiting for coordinates, locked (skipping rows another worker holds)."""
    query = (
        select(patients)
        .where(patients.c.location_status == "pending", patients.c.id > after_id)
        .order_by(patients.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    row = session.execute(query).mappings().first()
    return dict(row) if row else None
