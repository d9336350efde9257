"""patient.erased in matching: cancel open requests, anonymise the profile, drop exclusions.

Placement requests stay as pseudonymous rows (patient id, therapist id, status, dates) so the
statistics keep their counts; the profile row becomes a tombstone whose far-future `profile_at`
makes any late patient event stale, so the patient is never matched again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from matching_service import lifecycle
from matching_service import models as m
from shared.events.envelope import Envelope
from shared.events.matching import MatchingPatientErased
from shared.events.patient import PatientErased
from shared.http.app_factory import ServiceContext

CANCEL_REASON = "patient_erased"
NEVER_STALE = datetime(9999, 1, 1, tzinfo=UTC)
TOMBSTONE: dict[str, Any] = {
    "status": "cancelled",
    "age": None,
    "gender": "unspecified",
    "postal_code": None,
    "latitude": None,
    "longitude": None,
    "location_status": "failed",
    "insurance_type": "self_pay",
    "preferences": {},
    "availability": {},
    "exclusions": [],
    "complaint_groups": [],
    "urgent": False,
    "search_started_at": None,
    "profile_at": NEVER_STALE,
}


def erase_patient(
    ctx: ServiceContext, session: Session, envelope: Envelope, event: PatientErased
) -> None:
    """Inside the consumer's transaction; emits matching.patient_erased with the counts."""
    now = ctx.clock.now()
    counts = {
        "requests_cancelled": lifecycle.cancel_for_patient(
            session, ctx, event.patient_id, CANCEL_REASON, now
        ),
        "exclusions_deleted": _delete_exclusions(session, event.patient_id),
        "profiles_anonymised": _tombstone_profile(session, event.patient_id),
    }
    done = MatchingPatientErased(patient_id=event.patient_id, completed_at=now, counts=counts)
    ctx.outbox.add(session, done, occurred_at=now, correlation_id=envelope.correlation_id)


def _delete_exclusions(session: Session, patient_id: int) -> int:
    x = m.exclusions
    result = session.execute(delete(x).where(x.c.patient_id == patient_id))
    return int(result.rowcount or 0)


def _tombstone_profile(session: Session, patient_id: int) -> int:
    """Overwrite (or create) the profile row as a tombstone; placement columns stay."""
    p = m.patients
    values = {**TOMBSTONE, "updated_at": func.now()}
    stmt = insert(p).values(patient_id=patient_id, **values)
    result = session.execute(
        stmt.on_conflict_do_update(index_elements=[p.c.patient_id], set_=values)
    )
    return int(result.rowcount or 0)
