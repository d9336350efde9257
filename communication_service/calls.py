"""Phone calls in the database: booking a slot, the ledger entries, withdrawals, cancellation.

The caller owns the transaction; nothing commits here. The call desk is the only caller, so a
slot is booked for everybody: a partial unique index refuses a second scheduled call in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from communication_service import models as m
from communication_service import readmodels
from communication_service.call_states import LEDGER_KIND, CallPurpose, CallState, flag_of
from communication_service.domain import RequestState
from communication_service.follow_ups import CallAction, CallPlan, CallRules
from shared.events.communication import CallScheduled
from shared.weekly_windows import WindowError, parse

SLOT_TAKEN = "uq_calls_scheduled_slot"
EMAIL_TAKEN = "uq_calls_email"
BOOKING_TRIES = 3
Planner = Callable[[list[datetime]], CallPlan]


@dataclass(frozen=True)
class Booking:
    """A new call (or why there is none: email_taken | held)."""

    call_id: int | None
    plan: CallPlan | None = None
    refused: str | None = None


def phone_hours(therapist: Any) -> Any:
    """The stored phone hours, or {} when missing or unreadable (the default window applies)."""
    raw = therapist["phone_hours"] if therapist is not None else None
    try:
        return raw if parse(raw) else {}
    except WindowError:
        return {}


def booked_slots(session: Session, start: datetime, end: datetime) -> list[datetime]:
    """Slot starts of the desk's scheduled calls in [start, end)."""
    c = m.calls
    return list(
        session.execute(
            select(c.c.slot_start).where(
                c.c.state == CallState.SCHEDULED.value,
                c.c.slot_start >= start,
                c.c.slot_start < end,
            )
        ).scalars()
    )


def booked_around(session: Session, now: datetime, rules: CallRules) -> list[datetime]:
    """Booked slots that can collide with a slot found from `now` within the horizon."""
    slot = rules.slots.slot
    return booked_slots(session, now - slot, now + rules.slots.horizon + slot + timedelta(days=1))


def constraint_of(exc: IntegrityError) -> str | None:
    """The name of the constraint PostgreSQL reported."""
    diag = getattr(exc.orig, "diag", None)
    return getattr(diag, "constraint_name", None)


def book(
    session: Session,
    therapist: Any,
    purpose: CallPurpose,
    ids: list[int],
    planner: Planner,
    now: datetime,
    rules: CallRules,
    email_id: int | None = None,
) -> Booking:
    """Plan and insert a call; a slot taken concurrently is planned again (a few times)."""
    for _ in range(BOOKING_TRIES):
        plan = planner(booked_around(session, now, rules))
        try:
            with session.begin_nested():
                call_id = _insert_call(
                    session, therapist["therapist_id"], purpose, plan, now, email_id
                )
                add_requests(session, call_id, ids)
                if plan.slot_start is not None:
                    ledger_attempt(
                        session, call_id, therapist, purpose, plan.slot_start, rules, now, None
                    )
            return Booking(call_id, plan)
        except IntegrityError as exc:
            name = constraint_of(exc)
            if name == EMAIL_TAKEN:
                return Booking(None, refused="email_taken")
            if name != SLOT_TAKEN:
                return Booking(None, refused=name or "integrity_error")
    return Booking(None, refused="slot_contention")


def _insert_call(
    session: Session,
    therapist_id: int,
    purpose: CallPurpose,
    plan: CallPlan,
    now: datetime,
    email_id: int | None,
) -> int:
    c = m.calls
    flagged, reason = flag_of(plan)
    return int(
        session.execute(
            insert(c)
            .values(
                therapist_id=therapist_id,
                purpose=purpose.value,
                email_id=email_id,
                state=CallState.SCHEDULED.value,
                attempt=plan.attempt,
                slot_start=plan.slot_start,
                flagged_for_staff=flagged or plan.action is CallAction.NO_SLOT,
                flag_reason=reason,
                created_at=now,
                updated_at=now,
            )
            .returning(c.c.id)
        ).scalar_one()
    )


def add_requests(session: Session, call_id: int, ids: list[int]) -> None:
    """The requests a call is about, after those it already carries."""
    cr = m.call_requests
    start = session.execute(select(func.count()).where(cr.c.call_id == call_id)).scalar_one()
    for position, request_id in enumerate(ids, start=start):
        session.execute(
            insert(cr).values(call_id=call_id, placement_request_id=request_id, position=position)
        )


def ledger_attempt(
    session: Session,
    call_id: int,
    therapist: Any,
    purpose: CallPurpose,
    slot_start: datetime,
    rules: CallRules,
    now: datetime,
    occurred_at: datetime | None,
) -> None:
    """One ledger row per attempt (its slot blocks; `occurred_at` once it took place)."""
    session.execute(
        insert(m.contact_ledger).values(
            therapist_id=therapist["therapist_id"],
            practice_id=therapist["practice_id"],
            channel="phone",
            kind=LEDGER_KIND[purpose],
            call_id=call_id,
            blocks_from=slot_start,
            blocks_until=slot_start + rules.slots.slot,
            occurred_at=occurred_at,
            created_at=now,
        )
    )


def mark_attempt_made(
    session: Session, call: Any, therapist: Any, now: datetime, rules: CallRules
) -> None:
    """The current attempt took place now (a ledger row is added for an unslotted call)."""
    c = m.contact_ledger
    done = session.execute(
        update(c)
        .where(c.c.call_id == call["id"], c.c.occurred_at.is_(None), c.c.voided_at.is_(None))
        .values(occurred_at=now)
        .returning(c.c.id)
    ).first()
    if done is None:
        ledger_attempt(
            session, call["id"], therapist, CallPurpose(call["purpose"]), now, rules, now, now
        )


def carried(session: Session, call_id: int) -> list[int]:
    """The requests a call carries, in their order."""
    cr = m.call_requests
    return list(
        session.execute(
            select(cr.c.placement_request_id).where(cr.c.call_id == call_id).order_by(cr.c.position)
        ).scalars()
    )


def call_row(session: Session, call_id: int, lock: bool = False) -> Any:
    """One call, or None (locked without blocking foreign-key checks)."""
    query = select(m.calls).where(m.calls.c.id == call_id)
    if lock:
        query = query.with_for_update(key_share=True)
    return session.execute(query).mappings().first()


def scheduled_event(
    call_id: int, therapist_id: int, ids: list[int], slot_start: datetime
) -> CallScheduled:
    """communication.call_scheduled (ids and the slot only)."""
    return CallScheduled(
        call_id=call_id,
        therapist_id=therapist_id,
        placement_request_ids=ids,
        scheduled_for=slot_start,
    )


def cancel_call(session: Session, call_id: int, now: datetime, why: str) -> None:
    """A call that will not happen: its unused ledger rows no longer count."""
    session.execute(
        update(m.calls)
        .where(m.calls.c.id == call_id)
        .values(
            state=CallState.CANCELLED.value, cancelled_at=now, updated_at=now, closed_reason=why
        )
    )
    c = m.contact_ledger
    session.execute(
        update(c)
        .where(c.c.call_id == call_id, c.c.occurred_at.is_(None), c.c.voided_at.is_(None))
        .values(voided_at=now)
    )


def withdraw_requests(session: Session, ids: list[int], now: datetime) -> list[int]:
    """Closed requests leave scheduled calls; a call left empty is cancelled. Returns calls."""
    if not ids:
        return []
    c, cr = m.calls, m.call_requests
    affected = list(
        session.execute(
            select(c.c.id)
            .where(
                c.c.state == CallState.SCHEDULED.value,
                c.c.id.in_(select(cr.c.call_id).where(cr.c.placement_request_id.in_(ids))),
            )
            .order_by(c.c.id)
            .with_for_update(key_share=True)
        ).scalars()
    )
    for call_id in affected:
        session.execute(
            delete(cr).where(cr.c.call_id == call_id, cr.c.placement_request_id.in_(ids))
        )
        if not carried(session, call_id):
            cancel_call(session, call_id, now, "all requests withdrawn")
    return affected


def cancel_for_therapist(session: Session, therapist_id: int, now: datetime, why: str) -> list[int]:
    """Cooling, block or opt-out: no calls; first-contact requests wait for the planner again."""
    c = m.calls
    rows = session.execute(
        select(c.c.id, c.c.purpose)
        .where(c.c.therapist_id == therapist_id, c.c.state == CallState.SCHEDULED.value)
        .order_by(c.c.id)
        .with_for_update(key_share=True)
    ).all()
    for call_id, purpose in rows:
        if purpose == CallPurpose.FIRST_CONTACT.value:
            pending = [
                r["placement_request_id"]
                for r in readmodels.requests_by_id(session, carried(session, call_id))
                if r["state"] == RequestState.PHONE_PENDING.value
            ]
            readmodels.set_request_state(session, pending, RequestState.WAITING, now)
        cancel_call(session, call_id, now, why)
    return [call_id for call_id, _ in rows]
