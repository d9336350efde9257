"""patient.erased in matching: cancel open requests, anonymise the profile, drop exclusions,
and take the profile out of the outbox rows of earlier placement_requests_created events.

Placement requests stay as pseudonymous rows (patient id, therapist id, status, dates) so the
statistics keep their counts; the profile row becomes a tombstone whose far-future `profile_at`
makes any late patient event stale, so the patient is never matched again.
"""

from __future__ import annotations

from datetime import datetime

from matching_service.services import transitions
from matching_service.store import events
from matching_service.store.unit_of_work import MatchingUnitOfWork
from shared.vocabulary import CancelReason

CANCEL_REASON = CancelReason.PATIENT_ERASED


def erase_patient(uow: MatchingUnitOfWork, patient_id: int, now: datetime) -> dict[str, int]:
    """Erase the patient's data and record matching.patient_erased with the counts."""
    with uow:
        counts = {
            "requests_cancelled": transitions.cancel_for_patient(
                uow, patient_id, CANCEL_REASON, now
            ),
            "exclusions_deleted": uow.exclusions.delete_for_patient(patient_id),
            "profiles_anonymised": uow.patients.tombstone(patient_id, now),
            "outbox_rows_scrubbed": uow.outbox.erase_patient(patient_id),
        }
        uow.events.add(events.patient_erased(patient_id, counts, now), now)
        uow.commit()
    return counts
