"""Reactions to matching's placement requests: new ones are planned at once; cancelled,
expired, answered elsewhere or placed ones leave unsent e-mails and calls."""

from __future__ import annotations

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
            uow.emails.create(
                "place_taken",
                "therapist_place_taken",
                now,
                therapist_id=therapist_id,
                context={"reference": labels.reference(placement_request_id)},
            )
        uow.commit()


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
    """The patient's other requests leave unsent e-mails; the patient hears the good news."""
    with uow:
        now = clock.now()
        others = uow.requests.open_ids_of_patient(patient_id, keep=placement_request_id)
        withdraw(uow, others, RequestState.CANCELLED, CancelReason.PATIENT_PLACED, now)
        withdraw(uow, [placement_request_id], RequestState.CLOSED, "accepted", now)
        uow.emails.create(
            "patient",
            "patient_placement_found",
            now,
            patient_id=patient_id,
            context={"therapist_id": therapist_id},
        )
        uow.commit()
