"""Erasure (Art. 17): a patient's cache entries go; geocoding.patient_erased reports how many."""

from __future__ import annotations

from geocoding_service.store import events
from geocoding_service.store.unit_of_work import GeocodingUnitOfWork
from shared.clock import Clock


def erase_patient(uow: GeocodingUnitOfWork, clock: Clock, patient_id: int) -> int:
    """Delete the cache entries looked up for the patient; returns how many were deleted."""
    with uow:
        now = clock.now()
        deleted = uow.subjects.forget("patient", patient_id)
        uow.events.add(events.patient_erased(patient_id, now, deleted), now)
        uow.commit()
    return deleted
