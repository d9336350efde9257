"""Consent use cases: record a (newer) consent, and its withdrawal, which pauses a search."""

from __future__ import annotations

from datetime import datetime

from patient_service.context import PatientContext
from patient_service.domain.changes import audit_changes
from patient_service.domain.consents import Consent, consent_columns, withdrawal_values
from patient_service.domain.patients import Row
from patient_service.services.changes import emit, locked_patient, write


def record_consent(ctx: PatientContext, patient_id: int, consent: Consent, actor: str) -> Row:
    """A new consent (e.g. a newer form version) becomes the current one."""
    with ctx.unit_of_work() as uow:
        now = ctx.clock.now()
        current = locked_patient(uow, patient_id)
        row = write(uow, current, {**consent_columns(consent), "updated_at": now})
        uow.consents.add(patient_id, consent, actor, now)
        diff = audit_changes(current, row)
        uow.timeline.add_audit(patient_id, now, actor, "consent_given", diff)
        uow.commit()
    return row


def withdraw_consent(
    ctx: PatientContext, patient_id: int, withdrawn_at: datetime, actor: str
) -> Row:
    """Record a withdrawal; a searching patient is paused at once (no contact without consent)."""
    with ctx.unit_of_work() as uow:
        now = ctx.clock.now()
        current = locked_patient(uow, patient_id)
        row = write(uow, current, withdrawal_values(current, withdrawn_at, now))
        uow.consents.withdraw_all(patient_id, withdrawn_at)
        diff = audit_changes(current, row)
        uow.timeline.add_audit(patient_id, now, actor, "consent_withdrawn", diff)
        if row["status"] != current["status"]:
            emit(uow, "search_paused", row, now)
        uow.commit()
    return row
