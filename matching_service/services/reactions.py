"""What matching does after a read model changed: cancel the requests that no longer match,
top up or cancel a patient's requests, cancel or re-match around a therapist (inside the
caller's unit of work)."""

from __future__ import annotations

from datetime import datetime

from matching_service.domain.states import cancel_reason, unavailable_reason
from matching_service.services import recheck, transitions
from matching_service.services.fill import FillSettings, fill_patients
from matching_service.store.unit_of_work import MatchingUnitOfWork


def after_patient_change(
    uow: MatchingUnitOfWork,
    fill: FillSettings,
    patient_id: int,
    trigger: str,
    now: datetime,
) -> None:
    """Searching → cancel the open requests that no longer pass the hard criteria, then top
    up; anything else → cancel them all."""
    status = uow.patients.status(patient_id)
    if status == "searching":
        recheck.recheck_patient(uow, fill.rules, patient_id, now)
        fill_patients(uow, fill, now, trigger, [patient_id])
    elif status is not None:
        transitions.cancel_for_patient(uow, patient_id, cancel_reason(status), now)


def after_therapist_change(
    uow: MatchingUnitOfWork,
    fill: FillSettings,
    therapist_id: int,
    trigger: str,
    now: datetime,
) -> None:
    """Unavailable → cancel or flag its requests and refill; available → cancel its open
    requests that no longer pass the hard criteria, refill those patients and re-match nearby."""
    therapist = uow.therapists.get(therapist_id)
    if therapist is None or not therapist["has_profile"]:
        return
    reason = unavailable_reason(therapist["status"], therapist["opted_out"])
    if reason is not None:
        affected = transitions.therapist_unavailable(uow, therapist_id, reason, now)
        refill(uow, fill, affected, trigger, now)
        return
    affected = recheck.recheck_therapist(uow, fill.rules, therapist_id, now)
    latitude, longitude = therapist["latitude"], therapist["longitude"]
    if latitude is None or longitude is None:
        refill(uow, fill, affected, trigger, now)
        return
    nearby = uow.patients.in_reach(latitude, longitude, fill.rules.default_max_distance_km)
    refill(uow, fill, sorted({*affected, *nearby}), trigger, now)


def refill(
    uow: MatchingUnitOfWork,
    fill: FillSettings,
    patient_ids: list[int],
    trigger: str,
    now: datetime,
) -> None:
    """Top up these patients (only the searching ones are touched)."""
    if patient_ids:
        fill_patients(uow, fill, now, trigger, patient_ids)
