"""Recording a therapist's answer: outcomes per request, the cooling period, the ledger entry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from communication_service.context import CommunicationContext
from communication_service.domain.errors import AlreadyAnswered, NotContacted, RecordedConcurrently
from communication_service.domain.outreach import OutreachRules, cooling_ends_at
from communication_service.domain.requests import RequestState
from communication_service.domain.responses import ResponseInput, not_contacted
from communication_service.services.withdrawals import release_unsent_outreach
from communication_service.store import events
from communication_service.store.unit_of_work import CommunicationUnitOfWork
from shared.events.communication import ResponseOutcomeItem, TherapistResponseRecorded


def record_response(ctx: CommunicationContext, data: ResponseInput) -> dict[str, Any]:
    """POST /api/responses: store, start cooling, publish therapist_response_recorded."""
    now = ctx.clock.now()
    with ctx.unit_of_work() as uow:
        event = record(uow, data, now, ctx.outreach_rules)
        uow.events.add(event, now)
        try:
            uow.commit()
        except IntegrityError as exc:
            raise RecordedConcurrently("The answer was recorded concurrently.") from exc
    return {**event.model_dump(mode="json"), "note": data.note}


def record(
    uow: CommunicationUnitOfWork, data: ResponseInput, now: datetime, rules: OutreachRules
) -> TherapistResponseRecorded:
    """Store the answer, close its requests, start cooling; return the event to publish."""
    uow.therapists.lock(data.therapist_id)
    requests = _check(uow, data)
    response_id = uow.responses.insert(data, now)
    uow.ledger.record_response(data.therapist_id, data.channel, response_id, now)
    items = [
        ResponseOutcomeItem(
            placement_request_id=request_id,
            patient_id=requests[request_id]["patient_id"],
            outcome=outcome,
        )
        for request_id, outcome in data.outcomes
    ]
    for item in items:
        uow.responses.add_outcome(response_id, item)
        uow.requests.set_state(
            [item.placement_request_id], RequestState.CLOSED, now, item.outcome.value
        )
    start_cooling(uow, data.therapist_id, response_id, now, rules)
    return events.response_recorded(data.therapist_id, response_id, data.channel, items, now)


def _check(uow: CommunicationUnitOfWork, data: ResponseInput) -> dict[int, Any]:
    """The requests concerned (locked), or NotContacted / AlreadyAnswered."""
    ids = data.request_ids
    missing = not_contacted(ids, uow.responses.contacted_ids(data.therapist_id, data.channel))
    if missing:
        raise NotContacted(missing)
    answered = uow.responses.answered_among(ids)
    if answered:
        raise AlreadyAnswered(answered)
    return {
        request["placement_request_id"]: request for request in uow.requests.by_id(ids, lock=True)
    }


def start_cooling(
    uow: CommunicationUnitOfWork,
    therapist_id: int,
    response_id: int,
    now: datetime,
    rules: OutreachRules,
) -> None:
    """No outreach of any kind for COOLING_PERIOD_DAYS; unsent outreach is called back."""
    uow.cooling.store(therapist_id, response_id, now, cooling_ends_at(now, rules))
    release_unsent_outreach(uow, therapist_id, now)
