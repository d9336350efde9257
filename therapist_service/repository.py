"""Reads and writes of therapist rows, change records and audit entries (no commits here)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, func, insert, select, update
from sqlalchemy.orm import Session

from therapist_service.domain import FieldChange
from therapist_service.models import audit_log, therapist_changes, therapists

MAX_ID = 2**63 - 1


def get_therapist(session: Session, therapist_id: int, lock: bool = False) -> RowMapping | None:
    """One therapist row by id (optionally locked for update), or None."""
    if not 1 <= therapist_id <= MAX_ID:
        return None
    query = select(therapists).where(therapists.c.id == therapist_id)
    if lock:
        query = query.with_for_update()
    return session.execute(query).mappings().first()


def get_by_external_id(session: Session, external_id: str) -> RowMapping | None:
    """The therapist with this 116117 id, locked for update, or None."""
    query = select(therapists).where(therapists.c.external_id == external_id).with_for_update()
    return session.execute(query).mappings().first()


def external_id_taken(session: Session, external_id: str) -> bool:
    """True if a therapist already has this external id."""
    query = select(therapists.c.id).where(therapists.c.external_id == external_id)
    return session.execute(query).first() is not None


def insert_therapist(session: Session, values: dict[str, Any]) -> RowMapping:
    """Insert a therapist; return the stored row."""
    query = insert(therapists).values(**values).returning(therapists)
    return session.execute(query).mappings().one()


def update_therapist(session: Session, therapist_id: int, values: dict[str, Any]) -> RowMapping:
    """Update columns of one therapist; return the stored row."""
    query = (
        update(therapists)
        .where(therapists.c.id == therapist_id)
        .values(**values)
        .returning(therapists)
    )
    return session.execute(query).mappings().one()


def add_changes(
    session: Session,
    therapist_id: int,
    changes: Iterable[FieldChange],
    *,
    source: str,
    at: datetime,
    import_run_id: int | None = None,
    event_id: str | None = None,
) -> None:
    """Record changed fields (old → new) with their origin."""
    rows = [
        {
            "therapist_id": therapist_id,
            "field": c.field,
            "old_value": c.old,
            "new_value": c.new,
            "source": source,
            "import_run_id": import_run_id,
            "event_id": event_id,
            "changed_at": at,
        }
        for c in changes
    ]
    if rows:
        session.execute(insert(therapist_changes), rows)


def add_audit(
    session: Session,
    therapist_id: int | None,
    actor: str,
    action: str,
    details: dict[str, Any],
    at: datetime,
) -> None:
    """Who did what to a therapist, when."""
    session.execute(
        insert(audit_log).values(
            therapist_id=therapist_id, actor=actor, action=action, details=details, at=at
        )
    )


def list_changes(
    session: Session, therapist_id: int, source: str | None, offset: int, limit: int
) -> tuple[list[RowMapping], int]:
    """A therapist's change history, oldest first, with the total count."""
    where = [therapist_changes.c.therapist_id == therapist_id]
    if source:
        where.append(therapist_changes.c.source == source)
    rows = session.execute(
        select(therapist_changes)
        .where(*where)
        .order_by(therapist_changes.c.id)
        .offset(offset)
        .limit(limit)
    )
    total = session.execute(select(func.count()).select_from(therapist_changes).where(*where))
    return list(rows.mappings()), total.scalar_one()
