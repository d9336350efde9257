"""A therapist's recorded answer: placement (the first acceptance wins, if the pair still passes
the hard criteria; else the request is cancelled `criteria_changed`), rejection, exclusion,
capacity and the cooling period (inside the caller's unit of work)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from matching_service.domain.profiles import Rules
from matching_service.domain.states import (
    RequestStatus,
    ResponseDecision,
    cooling_until,
    decide_response,
)
from matching_service.services import recheck, transitions
from matching_service.store import events
from matching_service.store.unit_of_work import MatchingUnitOfWork
from shared.events.communication import ResponseOutcomeItem, TherapistResponseRecorded
from shared.vocabulary import CancelReason, CoolingAfter, answer_starts_cooling


def apply_response(
    uow: MatchingUnitOfWork, rules: Rules, answer: TherapistResponseRecorded, now: datetime
) -> list[int]:
    """Apply every outcome, start the cooling period; return the patients to refill."""
    touched = [_apply_outcome(uow, rules, answer, item, now) for item in answer.outcomes]
    outcomes = [str(item.outcome) for item in answer.outcomes]
    if answer_starts_cooling(outcomes, CoolingAfter(rules.cooling_after)):
        transitions.start_cooling(
            uow,
            answer.therapist_id,
            answer.response_id,
            answer.recorded_at,
            cooling_until(answer.recorded_at, rules.cooling_period_days),
            now,
        )
    return sorted(set(touched))


def _apply_outcome(
    uow: MatchingUnitOfWork,
    rules: Rules,
    answer: TherapistResponseRecorded,
    item: ResponseOutcomeItem,
    now: datetime,
) -> int:
    patient = uow.patients.get(item.patient_id, lock=True)
    request = uow.requests.locked_answered(
        item.placement_request_id, item.patient_id, answer.therapist_id
    )
    placed = patient is not None and patient["placed_request_id"] is not None
    searching = patient is not None and patient["status"] == "searching"
    decision = decide_response(
        item.outcome.value,
        request["status"] if request else "unknown",
        placed,
        patient_searching=searching,
        contacted=request is not None and request["contacted_at"] is not None,
    )
    if decision.exclude_therapist:
        uow.exclusions.add(item.patient_id, answer.therapist_id, item.outcome.value, now)
    if decision.capacity_no:
        capacity = {"accepting_new_patients": "no", "capacity_as_of": answer.recorded_at.date()}
        uow.therapists.apply_part(
            answer.therapist_id, "capacity_at", capacity, answer.recorded_at, now
        )
    if request is None:
        return item.patient_id
    if decision.new_status is None:
        if decision.place_gone and patient["placed_therapist_id"] != answer.therapist_id:
            # the request ended already: only the therapist is told that the place is gone
            gone = events.status_changed(request, RequestStatus.CANCELLED, decision.reason, now)
            uow.events.add(gone, now)
        elif item.outcome.value == "accepted" and not placed and not searching:
            # e.g. paused: nobody is placed, but the acceptance is not lost (staff decide)
            status = patient["status"] if patient is not None else "unknown"
            held = events.acceptance_held(request, answer.response_id, status, now)
            uow.events.add(held, now)
        return item.patient_id
    if decision.place_patient and not recheck.still_matches(uow, rules, request, now):
        decision = ResponseDecision(RequestStatus.CANCELLED, reason=CancelReason.CRITERIA_CHANGED)
    transitions.move(uow, request, decision.new_status, decision.reason, now)
    uow.therapists.count_answer(answer.therapist_id)
    if decision.place_patient:
        _place(uow, request, now)
    return item.patient_id


def _place(uow: MatchingUnitOfWork, request: Any, now: datetime) -> None:
    """The patient has a place: record it, cancel the other open requests, confirm."""
    patient_id = request["patient_id"]
    uow.patients.place(patient_id, request["id"], request["therapist_id"], now)
    others = uow.requests.locked_of_patient(patient_id, except_id=request["id"])
    transitions.cancel_all(uow, others, CancelReason.PATIENT_PLACED, now)
    uow.events.add(events.placement_confirmed(request, now), now)
