"""Erasure use cases (Art. 17): tombstone the patient, emit patient.erased, track services."""

from __future__ import annotations

import logging
from datetime import datetime

from patient_service.context import PatientContext
from patient_service.domain.erasure import ERASING_SERVICES, OWN_SERVICE, erasure_report
from patient_service.domain.errors import PatientNotFound
from patient_service.domain.patients import Row
from patient_service.store import events
from patient_service.store.unit_of_work import PatientUnitOfWork
from shared.events.patient import ErasureCompleted

log = logging.getLogger(__name__)


def erase_patient(ctx: PatientContext, patient_id: int, actor: str) -> tuple[Row, bool]:
    """Erase once (a repeat changes nothing); returns the erasure status and whether it is new."""
    with ctx.unit_of_work() as uow:
        row = uow.patients.load(patient_id, for_update=True)
        if row is None:
            raise PatientNotFound(patient_id)
        created = row["erased_at"] is None
        if created:
            _erase(uow, ctx.clock.now(), patient_id, actor)
        status = erasure_report(patient_id, uow.erasure.steps(patient_id))
        if created:
            uow.commit()
    return status, created


def _erase(uow: PatientUnitOfWork, now: datetime, patient_id: int, actor: str) -> None:
    """Tombstone, scrub every trace of personal data, open one step per service, announce."""
    uow.erasure.tombstone(patient_id, now)
    counts = {
        "audit_entries_scrubbed": uow.erasure.scrub_audit_log(patient_id),
        "stored_responses_deleted": uow.erasure.delete_stored_responses(patient_id),
        "outbox_rows_deleted": uow.erasure.delete_outbox_rows(patient_id),
    }
    uow.timeline.add_audit(patient_id, now, actor, "erased", {})
    uow.erasure.add_steps(patient_id, ERASING_SERVICES, OWN_SERVICE, now, actor, counts)
    # After the outbox rows went: patient.erased is the one event about the patient left.
    uow.events.add(events.patient_erased(patient_id, now), now)


def erasure_status(ctx: PatientContext, patient_id: int) -> Row:
    """Per service: completed_at (null while pending), and the overall status."""
    with ctx.unit_of_work() as uow:
        if uow.patients.load(patient_id) is None:
            raise PatientNotFound(patient_id)
        return erasure_report(patient_id, uow.erasure.steps(patient_id))


def record_completion(uow: PatientUnitOfWork, service: str, event: ErasureCompleted) -> bool:
    """A service reported its erasure done; False when unknown or already recorded."""
    with uow:
        recorded = uow.erasure.complete_step(
            event.patient_id, service, event.completed_at, event.counts
        )
        uow.commit()
    if not recorded:
        log.info("erasure completion of %s for %s already recorded", service, event.patient_id)
    return recorded
