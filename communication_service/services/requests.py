"""Reactions to matching's placement requests: new ones are planned at once; cancelled,
expired, answered elsewhere or placed ones leave unsent e-mails and calls."""

from __future__ import annotations

from datetime import datetime

from communication_service.domain import labels
from communication_service.domain.outreach import OutreachRules
from communication_service.domain.requests import TERMINAL_STATUSES, RequestState
from communication_service.services.outreach import plan_for
from communication_service.services.withdrawals import withdraw
from communication_service.store.unit_of_work import CommunicationUnitOfWork
from shared.clock import Clock
from shared.events.matching import CreatedPlacementRequest
from shared.vocabulary import CancelReason

PLACED_ELSEWHERE = CancelReason.PLACED_ELSEWHERE
PLACE_TAKEN = "place_taken"  # the purpose of the "place is gone" e-mail


def take_new_requests(
    uow: CommunicationUnitOfWork,
    clock: Clock,
    rules: OutreachRules,
    items: list[CreatedPlacementRequest],
    run_id: int,
) -> dict[str, int]:
    """Store the new requests and plan their therapists' outreach at once."""
    with uow:
        now = clock.now()
        therapist_ids = uow.requests.store_new(items, run_id, now)
        counts = plan_for(uow, therapist_ids, now, rules)
        uow.commit()
    return counts


def cancel_request(
    uow: CommunicationUnitOfWork,
    clock: Clock,
    placement_request_id: int,
    therapist_id: int,
    reason: str,
) -> None:
    """Out of unsent e-mails; a late acceptance gets the "place already taken" e-mail."""
    with uow:
        now = clock.now()
        withdraw(uow, [placement_request_id], RequestState.CANCELLED, reason, now)
        if reason == PLACED_ELSEWHERE:
            tell_place_gone(uow, therapist_id, placement_request_id, now)
        uow.commit()


def tell_place_gone(
    uow: CommunicationUnitOfWork, therapist_id: int, placement_request_id: int, now: datetime
) -> bool:
    """The therapist accepted a patient placed elsewhere: the "place is gone" e-mail, once per
    request (recording the answer and matching's cancellation may both ask for it)."""
    if uow.emails.place_taken_for(placement_request_id):
        return False
    uow.emails.create(
        PLACE_TAKEN,
        "therapist_place_taken",
        now,
        therapist_id=therapist_id,
        context={
            "reference": labels.reference(placement_request_id),
            "placement_request_id": placement_request_id,
        },
    )
    return True


def close_request(
    uow: CommunicationUnitOfWork, clock: Clock, placement_request_id: int, status: str
) -> None:
    """Expired or answered elsewhere: closed, and out of unsent e-mails."""
    if status not in TERMINAL_STATUSES:
        return
    with uow:
        withdraw(uow, [placement_request_id], RequestState.CLOSED, status, clock.now())
        uow.commit()


def confirm_placement(
    uow: CommunicationUnitOfWork,
    clock: Clock,
    placement_request_id: int,
    patient_id: int,
    therapist_id: int,
) -> None:
    """The patient's other requests leave unsent e-mails. The patient hears the good news
    only from patient.placed, once the patient service (the authority) has confirmed it."""
    with uow:
        now = clock.now()
        uow.patients.apply(patient_id, "placed", now)
        others = uow.requests.open_ids_of_patient(patient_id, keep=placement_request_id)
        withdraw(uow, others, RequestState.CANCELLED, CancelReason.PATIENT_PLACED, now)
        withdraw(uow, [placement_request_id], RequestState.CLOSED, "accepted", now)
        uow.commit()
