"""Recording how a call went: reached (answers like `POST /api/responses`) or not reached
(the next window, up to MAX_CALL_ATTEMPTS, then the final failure)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from communication_service.context import CommunicationContext
from communication_service.domain.calls import (
    CallChange,
    CallPurpose,
    CallState,
    OutcomeInput,
    OutcomeRules,
    after_not_reached,
    call_rules_for,
    outcome_refusal,
    phone_hours,
    requests_not_in_call,
    retry_base,
)
from communication_service.domain.errors import (
    CallNotFound,
    CallNotOpen,
    NotInCall,
    RecordedConcurrently,
)
from communication_service.domain.follow_ups import CallRules, after_failed_call
from communication_service.domain.requests import RequestState, is_open
from communication_service.domain.responses import ResponseInput
from communication_service.services import calls, responses
from communication_service.store import events
from communication_service.store.calls import SLOT_TAKEN
from communication_service.store.unit_of_work import CommunicationUnitOfWork
from shared.events.envelope import DomainEvent


def record_call_outcome(ctx: CommunicationContext, data: OutcomeInput) -> dict[str, Any]:
    """PUT /api/phone-calls/{id}/outcome: answers like POST /api/responses, or the next try."""
    now = ctx.clock.now()
    rules = OutcomeRules(ctx.outreach_rules, ctx.call_rules, ctx.default_window)
    with ctx.unit_of_work() as uow:
        for event in record(uow, data, now, rules):
            uow.events.add(event, now)
        try:
            uow.commit()
        except IntegrityError as exc:
            raise RecordedConcurrently(
                "The call or its answers were recorded concurrently."
            ) from exc
    return calls.get_call(ctx, data.call_id)


def record(
    uow: CommunicationUnitOfWork, data: OutcomeInput, now: datetime, rules: OutcomeRules
) -> list[DomainEvent]:
    """Lock therapist then call (the scheduler's order), check, and apply the outcome."""
    found = uow.calls.row(data.call_id)
    if found is None:
        raise CallNotFound(data.call_id)
    therapist = uow.therapists.lock(found["therapist_id"])
    call = uow.calls.row(data.call_id, lock=True)
    refusal = outcome_refusal(call["state"])
    if refusal is not None:
        raise CallNotOpen(refusal)
    in_call = uow.calls.carried_ids(call["id"])
    if data.reached:
        return _reached(uow, call, therapist, in_call, data, now, rules)
    return not_reached(uow, call, therapist, in_call, now, rules.calls, rules.default_window)


def _known(therapist: Any, call: Any) -> Any:
    """The therapist's read model row, or a stand-in for a therapist not known (yet)."""
    return therapist or {
        "therapist_id": call["therapist_id"],
        "practice_id": None,
        "phone_hours": {},
    }


def _reached(
    uow: CommunicationUnitOfWork,
    call: Any,
    therapist: Any,
    in_call: list[int],
    data: OutcomeInput,
    now: datetime,
    rules: OutcomeRules,
) -> list[DomainEvent]:
    missing = requests_not_in_call(in_call, [request_id for request_id, _ in data.outcomes])
    if missing:
        raise NotInCall(missing)
    calls.mark_attempt_made(uow, call, _known(therapist, call), now, rules.calls)
    uow.calls.update(
        call["id"], now, state=CallState.COMPLETED.value, completed_at=now, note=data.note
    )
    found: list[DomainEvent] = []
    if in_call:
        found.append(events.call_completed(call, in_call, now))
    if data.outcomes:
        answer = responses.record(
            uow,
            ResponseInput(call["therapist_id"], "phone", data.outcomes, data.note, data.actor),
            now,
            rules.outreach,
        )
        uow.calls.update(call["id"], now, response_id=answer.event.response_id)
        found.append(answer.event)
    return found


def not_reached(
    uow: CommunicationUnitOfWork,
    call: Any,
    therapist: Any,
    in_call: list[int],
    now: datetime,
    rules: CallRules,
    default_window: Any,
) -> list[DomainEvent]:
    """The call's current attempt failed (staff say so, or its slot passed without an outcome):
    the next window, or the final failure that closes its open requests as no_response."""
    therapist = _known(therapist, call)
    calls.mark_attempt_made(uow, call, therapist, now, rules)
    change = _reschedule(uow, call, therapist, now, rules, default_window)
    found: list[DomainEvent] = []
    if in_call:
        found.append(events.call_failed(call, in_call, change.final, now))
    if change.final:
        _close_open(uow, in_call, now)
    elif change.rescheduled and change.slot_start is not None and in_call:
        found.append(
            events.call_scheduled(call["id"], call["therapist_id"], in_call, change.slot_start)
        )
    return found


def _reschedule(
    uow: CommunicationUnitOfWork,
    call: Any,
    therapist: Any,
    now: datetime,
    rules: CallRules,
    default_window: Any,
) -> CallChange:
    """The next window (a slot taken concurrently is planned again), or the final failure."""
    failed_slot = call["slot_start"] or now
    base = retry_base(now, call["slot_start"])
    for _ in range(calls.BOOKING_TRIES):
        plan = after_failed_call(
            call["attempt"],
            failed_slot,
            phone_hours(therapist),
            uow.calls.booked_around(base, rules),
            base,
            call_rules_for(therapist, rules),
            default_window,
        )
        change = after_not_reached(plan, call["flagged_for_staff"], call["flag_reason"])
        with uow.savepoint() as attempt:
            _apply(uow, call, therapist, change, now, rules)
        if attempt.refused is None:
            return change
        if attempt.refused != SLOT_TAKEN and attempt.error is not None:
            raise attempt.error
    raise CallNotOpen("The next free slot was taken concurrently; please try again.")


def _apply(
    uow: CommunicationUnitOfWork,
    call: Any,
    therapist: Any,
    change: CallChange,
    now: datetime,
    rules: CallRules,
) -> None:
    uow.calls.update(
        call["id"],
        now,
        state=change.state.value,
        attempt=change.attempt,
        slot_start=change.slot_start,
        flagged_for_staff=change.flagged_for_staff,
        flag_reason=change.flag_reason,
        failed_at=now if change.final else None,
        closed_reason="max_attempts" if change.final else None,
    )
    if change.rescheduled and change.slot_start is not None:
        purpose = CallPurpose(call["purpose"])
        uow.ledger.call_attempt(
            call["id"], therapist, purpose, change.slot_start, rules.slots.slot, now
        )


def _close_open(uow: CommunicationUnitOfWork, ids: list[int], now: datetime) -> None:
    """The attempts are used up: the call's open requests end as no_response here too."""
    still_open = [
        request["placement_request_id"]
        for request in uow.requests.by_id(ids)
        if is_open(request["state"])
    ]
    uow.requests.set_state(still_open, RequestState.CLOSED, now, "no_response")
