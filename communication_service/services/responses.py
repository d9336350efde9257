"""Recording a therapist's answer: outcomes per request, the cooling period, the ledger entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from communication_service.context import CommunicationContext
from communication_service.domain.errors import AlreadyAnswered, NotContacted, RecordedConcurrently
from communication_service.domain.outreach import OutreachRules, cooling_ends_at
from communication_service.domain.requests import RequestState, is_open
from communication_service.domain.responses import (
    Effect,
    OutcomeEffect,
    ResponseInput,
    not_contacted,
    outcome_effect,
)
from communication_service.services import calls
from communication_service.services.requests import tell_place_gone
from communication_service.services.withdrawals import release_unsent_outreach
from communication_service.store import events
from communication_service.store.unit_of_work import CommunicationUnitOfWork
from shared.events.communication import ResponseOutcomeItem, TherapistResponseRecorded
from shared.vocabulary import answer_starts_cooling


@dataclass(frozen=True)
class RecordedAnswer:
    """The event to publish and what the answer did to each request (by request id)."""

    event: TherapistResponseRecorded
    effects: dict[int, OutcomeEffect]

    def body(self, note: str | None) -> dict[str, Any]:
        """The answer as `POST /api/responses` returns it: each outcome with its effect."""
        body = self.event.model_dump(mode="json")
        for outcome in body["outcomes"]:
            outcome["outcome_effect"] = self.effects[outcome["placement_request_id"]].value
        return {**body, "note": note}


def record_response(ctx: CommunicationContext, data: ResponseInput) -> dict[str, Any]:
    """POST /api/responses (and every other way an answer arrives): store, start cooling,
    publish therapist_response_recorded; the body names each request's `outcome_effect`."""
    now = ctx.clock.now()
    with ctx.unit_of_work() as uow:
        answer = record(uow, data, now, ctx.outreach_rules)
        uow.events.add(answer.event, now)
        try:
            uow.commit()
        except IntegrityError as exc:
            raise RecordedConcurrently("The answer was recorded concurrently.") from exc
    return answer.body(data.note)


def record(
    uow: CommunicationUnitOfWork, data: ResponseInput, now: datetime, rules: OutreachRules
) -> RecordedAnswer:
    """Store the answer, close its requests (they leave the therapist's scheduled calls: a
    follow-up call keeps only the patients not answered about), start cooling, apply each
    effect (a late or held acceptance, the place-gone e-mail); return the event to publish
    and the effects."""
    uow.therapists.lock(data.therapist_id)
    requests = _check(uow, data)
    statuses = uow.patients.of(sorted({row["patient_id"] for row in requests.values()}))
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
    effects: dict[int, OutcomeEffect] = {}
    for item in items:
        request = requests[item.placement_request_id]
        found = outcome_effect(
            item.outcome.value, is_open(request["state"]), statuses.get(item.patient_id)
        )
        effects[item.placement_request_id] = found.effect
        uow.responses.add_outcome(response_id, item)
        if is_open(request["state"]):
            uow.requests.set_state(
                [item.placement_request_id], RequestState.CLOSED, now, item.outcome.value
            )
        _apply_effect(uow, data.therapist_id, response_id, item, found, now)
    calls.withdraw_requests(uow, [item.placement_request_id for item in items], now)
    if answer_starts_cooling([str(item.outcome) for item in items], rules.cooling_after):
        start_cooling(uow, data.therapist_id, response_id, now, rules)
    event = events.response_recorded(data.therapist_id, response_id, data.channel, items, now)
    return RecordedAnswer(event, effects)


def _apply_effect(
    uow: CommunicationUnitOfWork,
    therapist_id: int,
    response_id: int,
    item: ResponseOutcomeItem,
    found: Effect,
    now: datetime,
) -> None:
    """The place-gone e-mail, or the item staff see on the attention list."""
    if found.effect is OutcomeEffect.PLACE_GONE:
        tell_place_gone(uow, therapist_id, item.placement_request_id, now)
    if found.attention is not None:
        uow.attention.add(
            found.attention.value,
            now,
            therapist_id=therapist_id,
            patient_id=item.patient_id,
            placement_request_id=item.placement_request_id,
            response_id=response_id,
        )


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
