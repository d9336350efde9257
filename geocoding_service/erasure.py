"""Cache entries looked up for a patient, and their deletion on patient.erased (Art. 17).

The patient service passes the patient id with each lookup; the cache key (which holds the
normalised street address) is linked to it here, so erasure needs only the id in the event.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from shared.events.envelope import Envelope
from shared.events.geocoding import GeocodingPatientErased
from shared.events.patient import PatientErased
from shared.http.app_factory import ServiceContext


def link_subject(
    session: Session, table: Table, subject_type: str, subject_id: int, key: str, now: datetime
) -> None:
    """Remember that `key` was looked up for this subject (once per pair)."""
    stmt = insert(table).values(
        subject_type=subject_type, subject_id=subject_id, query_key=key, linked_at=now
    )
    session.execute(stmt.on_conflict_do_nothing())


def forget_subject(
    session: Session, cache: Table, links: Table, subject_type: str, subject_id: int
) -> int:
    """Delete the subject's cache entries and links; returns the cache entries deleted."""
    mine = (links.c.subject_type == subject_type) & (links.c.subject_id == subject_id)
    keys = list(session.execute(select(links.c.query_key).where(mine)).scalars())
    session.execute(delete(links).where(mine))
    if not keys:
        return 0
    result = session.execute(delete(cache).where(cache.c.query_key.in_(keys)))
    return int(result.rowcount or 0)


def erase_patient(ctx: ServiceContext, session: Session, envelope: Envelope) -> None:
    """patient.erased → the patient's cache entries go; geocoding.patient_erased reports it."""
    event = PatientErased.model_validate(envelope.payload)
    now = ctx.clock.now()
    deleted = forget_subject(
        session,
        ctx.tables["geocode_cache"],
        ctx.tables["cache_subjects"],
        "patient",
        event.patient_id,
    )
    done = GeocodingPatientErased(
        patient_id=event.patient_id, completed_at=now, counts={"cache_entries_deleted": deleted}
    )
    ctx.outbox.add(session, done, occurred_at=now, correlation_id=envelope.correlation_id)
