"""Job `consistency-check`: per patient, this service's status (the authority) against
matching's open requests and communication's open e-mails and calls (read over HTTP). Drift
that re-publishing the status fixes is repaired so (`patient.updated`, changed `status`:
matching cancels or fills, communication withdraws); the rest is listed for staff
(`status_mismatch` on `GET /api/attention`) and resolved by the first check that finds it gone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from patient_service.context import PatientContext
from patient_service.domain.consistency import LIST, REPAIR, assess
from patient_service.services.changes import emit
from shared.vocabulary import AttentionReason

BATCH = 100
ACTOR = "job:consistency-check"
MISMATCH = AttentionReason.STATUS_MISMATCH.value


def run_consistency_check(ctx: PatientContext, now: datetime) -> dict[str, Any]:
    """Check every patient not erased; returns {checked, repaired, listed}."""
    checked = repaired = listed = 0
    after = 0
    while True:
        with ctx.unit_of_work() as uow:
            batch = uow.patients.statuses_after(after, BATCH)
        if not batch:
            break
        after = batch[-1][0]
        ids = [patient_id for patient_id, _ in batch]
        requests = ctx.cases.open_requests(ids)
        contacts = ctx.cases.open_contacts(ids)
        findings = {
            patient_id: assess(status, requests.get(patient_id), contacts.get(patient_id))
            for patient_id, status in batch
        }
        with ctx.unit_of_work() as uow:
            to_list: set[int] = set()
            for patient_id, finding in findings.items():
                if finding.action == REPAIR and _republish(uow, patient_id, now):
                    repaired += 1
                elif finding.action == LIST:
                    uow.attention.keep_open(MISMATCH, patient_id, finding.details, now)
                    to_list.add(patient_id)
            uow.attention.resolve_others(MISMATCH, to_list, set(ids), now)
            uow.commit()
        checked += len(batch)
        listed += len(to_list)
    return {"checked": checked, "repaired": repaired, "listed": listed}


def _republish(uow: Any, patient_id: int, now: datetime) -> bool:
    """The patient's current status again, as `patient.updated` (no e-mail to the patient)."""
    row = uow.patients.load(patient_id, for_update=True)
    if row is None or row["erased_at"] is not None:
        return False
    emit(uow, "updated", row, now, changed_fields=["status"])
    uow.timeline.add_audit(patient_id, now, ACTOR, "status_republished", {})
    return True
