"""Recording how a call went: reached (answers like `POST /api/responses`) or not reached
(the next window, up to MAX_CALL_ATTEMPTS, then the final failure).

The caller owns the transaction; the returned events go to the outbox in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from communication_service import calls, readmodels, responses
from communication_service import models as m
from communication_service.call_states import (
    CallChange,
    CallPurpose,
    CallState,
    after_not_reached,
    outcome_refusal,
    requests_not_in_call,
    retry_base,
)
from communication_service.domain import OutreachRules, RequestState
from communication_service.follow_ups import CallRules, after_failed_call
from shared.events.communication import CallCompleted, CallFailed
from shared.events.envelope import DomainEvent

OPEN_STATES = (
    RequestState.IN_EMAIL.value,
    RequestState.PHONE_PENDING.value,
    RequestState.WAITING.value,
)


class CallNotFound(LookupError):
    """No call with this id."""


class CallNotOpen(ValueError):
    """The call is completed, failed or cancelled already."""


class NotInCall(ValueError):
    """Outcomes for requests the call does not carry."""

    def __init__(self, ids: list[int]) -> None:
        super().__init__(f"Requests {ids} are not part of this call.")
        self.ids = ids


@dataclass(frozen=True)
class OutcomeInput:
    """What staff send about one call."""

    call_id: int
    reached: bool
    outcomes: list[tuple[int, str]]
    note: str | None
    actor: str


@dataclass(frozen=True)
class Rules:
    """The numbers an outcome needs (settings)."""

    outreach: OutreachRules
    calls: CallRules
    default_window: Any


def record(session: Session, data: OutcomeInput, now: datetime, rules: Rules) -> list[DomainEvent]:
    """Lock therapist then call (the scheduler's order), check, and apply the outcome."""
    found = calls.call_row(session, data.call_id)
    if found is None:
        raise CallNotFound(data.call_id)
    therapist = readmodels.lock_therapist(session, found["therapist_id"])
    call = calls.call_row(session, data.call_id, lock=True)
    refusal = outcome_refusal(call["state"])
    if refusal is not None:
        raise CallNotOpen(refusal)
    carried = calls.carried(session, call["id"])
    if data.reached:
        return _reached(session, call, therapist, carried, data, now, rules)
    return _not_reached(session, call, therapist, carried, now, rules)


def _therapist(therapist: Any, call: Any) -> Any:
    return therapist or {
        "therapist_id": call["therapist_id"],
        "practice_id": None,
        "phone_hours": {},
    }


def _reached(
    session: Session,
    call: Any,
    therapist: Any,
    carried: list[int],
    data: OutcomeInput,
    now: datetime,
    rules: Rules,
) -> list[DomainEvent]:
    missing = requests_not_in_call(carried, [rid for rid, _ in data.outcomes])
    if missing:
        raise NotInCall(missing)
    calls.mark_attempt_made(session, call, _therapist(therapist, call), now, rules.calls)
    _update(
        session, call["id"], now, state=CallState.COMPLETED.value, completed_at=now, note=data.note
    )
    events: list[DomainEvent] = []
    if carried:
        events.append(
            CallCompleted(
                call_id=call["id"],
                therapist_id=call["therapist_id"],
                placement_request_ids=carried,
                attempt=call["attempt"],
                completed_at=now,
            )
        )
    if data.outcomes:
        answer = responses.record(
            session,
            responses.ResponseInput(
                call["therapist_id"], "phone", data.outcomes, data.note, data.actor
            ),
            now,
            rules.outreach,
        )
        _update(session, call["id"], now, response_id=answer.response_id)
        events.append(answer)
    return events


def _not_reached(
    session: Session, call: Any, therapist: Any, carried: list[int], now: datetime, rules: Rules
) -> list[DomainEvent]:
    therapist = _therapist(therapist, call)
    calls.mark_attempt_made(session, call, therapist, now, rules.calls)
    change = _reschedule(session, call, therapist, now, rules)
    events: list[DomainEvent] = []
    if carried:
        events.append(
            CallFailed(
                call_id=call["id"],
                therapist_id=call["therapist_id"],
                placement_request_ids=carried,
                attempt=call["attempt"],
                final=change.final,
                failed_at=now,
            )
        )
    if change.final:
        _close_open(session, carried, now)
    elif change.rescheduled and change.slot_start is not None and carried:
        events.append(
            calls.scheduled_event(call["id"], call["therapist_id"], carried, change.slot_start)
        )
    return events


def _reschedule(
    session: Session, call: Any, therapist: Any, now: datetime, rules: Rules
) -> CallChange:
    """The next window (a slot taken concurrently is planned again), or the final failure."""
    failed_slot = call["slot_start"] or now
    base = retry_base(now, call["slot_start"])
    for _ in range(calls.BOOKING_TRIES):
        plan = after_failed_call(
            call["attempt"],
            failed_slot,
            calls.phone_hours(therapist),
            calls.booked_around(session, base, rules.calls),
            base,
            rules.calls,
            rules.default_window,
        )
        change = after_not_reached(plan, call["flagged_for_staff"], call["flag_reason"])
        try:
            with session.begin_nested():
                _apply(session, call, therapist, change, now, rules.calls)
            return change
        except IntegrityError as exc:
            if calls.constraint_of(exc) != calls.SLOT_TAKEN:
                raise
    raise CallNotOpen("The next free slot was taken concurrently; please try again.")


def _apply(
    session: Session, call: Any, therapist: Any, change: CallChange, now: datetime, rules: CallRules
) -> None:
    _update(
        session,
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
        calls.ledger_attempt(
            session,
            call["id"],
            therapist,
            CallPurpose(call["purpose"]),
            change.slot_start,
            rules,
            now,
            None,
        )


def _close_open(session: Session, ids: list[int], now: datetime) -> None:
    """The attempts are used up: the call's open requests end as no_response here too."""
    still_open = [
        r["placement_request_id"]
        for r in readmodels.requests_by_id(session, ids)
        if r["state"] in OPEN_STATES
    ]
    readmodels.set_request_state(session, still_open, RequestState.CLOSED, now, "no_response")


def _update(session: Session, call_id: int, now: datetime, **values: Any) -> None:
    session.execute(update(m.calls).where(m.calls.c.id == call_id).values(updated_at=now, **values))
