"""Reactions to other services' events, one use case per kind of event: store the read model
change, then fill, cancel or re-match (inside the consumer's transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from matching_service.domain.states import PLACEMENT_REFUSED, RequestStatus
from matching_service.services import reactions, transitions
from matching_service.services.fill import FillSettings
from matching_service.services.responses import apply_response
from matching_service.store.unit_of_work import MatchingUnitOfWork
from shared.events.communication import TherapistResponseRecorded
from shared.events.patient import PatientPlacementRefused, _PatientEvent
from shared.events.therapist import TherapistProfile


def patient_changed(
    uow: MatchingUnitOfWork,
    fill: FillSettings,
    event: _PatientEvent,
    trigger: str,
    occurred_at: datetime,
    now: datetime,
) -> None:
    """Store the profile (unless a newer one is stored), then fill or cancel by its status. The
    patient service is the authority: `searching` after a placement recorded here means that
    placement did not last, so the patient is matched again."""
    with uow:
        if uow.patients.apply_profile(event, occurred_at, now):
            if event.status == "searching":
                uow.patients.forget_placement_before(event.patient_id, occurred_at)
            reactions.after_patient_change(uow, fill, event.patient_id, trigger, now)
        uow.commit()


def placement_refused(
    uow: MatchingUnitOfWork, fill: FillSettings, event: PatientPlacementRefused, now: datetime
) -> bool:
    """patient.placement_refused: the patient was paused or cancelled before the placement
    arrived. Take it back (the accepted request is cancelled `placement_refused`; the
    therapist was asked, so the pair is not proposed again); True when something changed."""
    with uow:
        taken_back = uow.patients.take_back_placement(
            event.patient_id, event.placement_request_id, event.status.value
        )
        request = uow.requests.locked(event.placement_request_id)
        if taken_back and request is not None and request["status"] == RequestStatus.ACCEPTED:
            transitions.move(uow, request, RequestStatus.CANCELLED, PLACEMENT_REFUSED, now)
        if taken_back:
            reactions.after_patient_change(uow, fill, event.patient_id, "placement_refused", now)
        uow.commit()
    return taken_back


def therapist_profile_changed(
    uow: MatchingUnitOfWork,
    fill: FillSettings,
    event: TherapistProfile,
    trigger: str,
    occurred_at: datetime,
    now: datetime,
) -> None:
    """Created / updated: store each newer part, then react to the stored state."""
    with uow:
        uow.therapists.apply_profile(event, occurred_at, now)
        reactions.after_therapist_change(uow, fill, event.therapist_id, trigger, now)
        uow.commit()


def therapist_part_changed(
    uow: MatchingUnitOfWork,
    fill: FillSettings,
    therapist_id: int,
    part: tuple[str, dict[str, Any]],
    trigger: str,
    occurred_at: datetime,
    now: datetime,
) -> None:
    """Blocked / unblocked / deactivated / capacity: store the part (`part`: its timestamp
    column and values) if newer, then react."""
    stamp, values = part
    with uow:
        uow.therapists.apply_part(therapist_id, stamp, values, occurred_at, now)
        reactions.after_therapist_change(uow, fill, therapist_id, trigger, now)
        uow.commit()


def contact_made(
    uow: MatchingUnitOfWork,
    kind: str,
    therapist_id: int,
    request_ids: list[int],
    at: datetime,
    now: datetime,
) -> None:
    """E-mail sent, call scheduled or completed: requests move to contacted / follow-up."""
    with uow:
        transitions.apply_contact(uow, kind, therapist_id, request_ids, at, now)
        uow.commit()


def call_attempts_exhausted(
    uow: MatchingUnitOfWork,
    fill: FillSettings,
    therapist_id: int,
    request_ids: list[int],
    trigger: str,
    now: datetime,
) -> None:
    """The last call attempt failed: its open requests end as no_response; refill."""
    with uow:
        patients = transitions.mark_no_response(uow, therapist_id, request_ids, now)
        reactions.refill(uow, fill, patients, trigger, now)
        uow.commit()


def outreach_failed(
    uow: MatchingUnitOfWork,
    fill: FillSettings,
    therapist_id: int,
    request_ids: list[int],
    trigger: str,
    now: datetime,
) -> None:
    """An outreach e-mail failed for good and the therapist has no phone either: its requests
    (never contacted) are cancelled and replaced."""
    with uow:
        patients = transitions.cancel_not_contacted(
            uow, therapist_id, request_ids, "email_failed", now
        )
        reactions.refill(uow, fill, patients, trigger, now)
        uow.commit()


def response_recorded(
    uow: MatchingUnitOfWork,
    fill: FillSettings,
    answer: TherapistResponseRecorded,
    trigger: str,
    now: datetime,
) -> None:
    """Answers: placement or rejection, cooling; then refill the patients still searching."""
    with uow:
        patients = apply_response(uow, fill.rules, answer, now)
        reactions.refill(uow, fill, patients, trigger, now)
        uow.commit()
