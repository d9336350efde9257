"""The call scheduler against the database: follow-ups of unanswered e-mails, first-contact calls
for therapists reached by phone, and calls still waiting for a free slot.

One therapist per transaction (the caller's), serialised by the therapist row lock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from communication_service import calls, readmodels
from communication_service import models as m
from communication_service.call_states import CallPurpose, CallState, first_contact_ids, flag_of
from communication_service.domain import EmailState, RequestState, TherapistContact, hold_reason
from communication_service.follow_ups import (
    CallRules,
    SentOutreach,
    due_follow_ups,
    plan_first_call,
)
from shared.events.envelope import DomainEvent

Emit = Callable[[DomainEvent], None]
SCAN_LIMIT = 500
LIVE_CALL = m.calls.c.state != CallState.CANCELLED.value


def due_email_ids(session: Session, now: datetime, rules: CallRules) -> list[int]:
    """Sent, unanswered outreach e-mails with open requests, old enough, without a call."""
    e, c, er, r = m.emails, m.calls, m.email_requests, m.outreach_requests
    carried = select(er.c.placement_request_id).where(er.c.email_id == e.c.id)
    still_open = exists().where(
        r.c.placement_request_id.in_(carried), r.c.state == RequestState.IN_EMAIL.value
    )
    answered = exists().where(m.response_outcomes.c.placement_request_id.in_(carried))
    query = (
        select(e.c.id)
        .where(
            e.c.purpose == "outreach",
            e.c.state == EmailState.SENT.value,
            e.c.sent_at <= now - rules.follow_up_after,
            ~exists().where(c.c.email_id == e.c.id),
            still_open,
            ~answered,
        )
        .order_by(e.c.sent_at, e.c.id)
        .limit(SCAN_LIMIT)
    )
    return list(session.execute(query).scalars())


def sent_outreach(session: Session, email_id: int) -> SentOutreach:
    """What the pure follow-up rules need to know about one e-mail."""
    e, er, r, o = m.emails, m.email_requests, m.outreach_requests, m.response_outcomes
    row = session.execute(select(e).where(e.c.id == email_id)).mappings().one()
    carried = select(er.c.placement_request_id).where(er.c.email_id == email_id)
    open_ids = session.execute(
        select(r.c.placement_request_id)
        .where(r.c.placement_request_id.in_(carried), r.c.state == RequestState.IN_EMAIL.value)
        .order_by(r.c.placement_request_id)
    ).scalars()
    answered = session.execute(
        select(exists().where(o.c.placement_request_id.in_(carried)))
    ).scalar()
    has_call = session.execute(select(exists().where(m.calls.c.email_id == email_id))).scalar()
    return SentOutreach(
        email_id,
        row["therapist_id"],
        row["sent_at"],
        tuple(open_ids),
        bool(answered),
        bool(has_call),
    )


def contact_of(
    session: Session, therapist: Any, therapist_id: int, now: datetime
) -> TherapistContact:
    """The hold-relevant facts of a therapist (read model + cooling periods)."""
    if therapist is None:
        return TherapistContact(therapist_id, known=False)
    return TherapistContact(
        therapist_id,
        active=therapist["status"] == "active",
        opted_out=therapist["opted_out"],
        cooling_until=readmodels.cooling_until(session, therapist_id, now),
    )


def planner_for(
    therapist: Any, now: datetime, rules: CallRules, default_window: Any
) -> calls.Planner:
    """The slot planner of a first attempt for this therapist."""
    hours = calls.phone_hours(therapist)
    return lambda booked: plan_first_call(hours, booked, now, rules, default_window)


def follow_up_email(
    session: Session,
    email_id: int,
    now: datetime,
    rules: CallRules,
    default_window: Any,
    emit: Emit,
) -> str:
    """Book the single follow-up call of one e-mail; returns scheduled | no_slot | a reason."""
    therapist_id = session.execute(
        select(m.emails.c.therapist_id).where(m.emails.c.id == email_id)
    ).scalar_one()
    therapist = readmodels.lock_therapist(session, therapist_id)
    held = hold_reason(contact_of(session, therapist, therapist_id, now), now)
    if held is not None:
        return held
    email = sent_outreach(session, email_id)
    if not due_follow_ups([email], now, rules):
        return "not_due"
    ids = list(email.open_request_ids)
    booking = calls.book(
        session,
        therapist,
        CallPurpose.FOLLOW_UP,
        ids,
        planner_for(therapist, now, rules, default_window),
        now,
        rules,
        email_id=email_id,
    )
    return _announce(booking, therapist_id, ids, emit)


def _announce(booking: calls.Booking, therapist_id: int, ids: list[int], emit: Emit) -> str:
    if booking.call_id is None or booking.plan is None:
        return booking.refused or "refused"
    if booking.plan.slot_start is None:
        return "no_slot"
    emit(calls.scheduled_event(booking.call_id, therapist_id, ids, booking.plan.slot_start))
    return "scheduled"


def therapists_awaiting_first_call(session: Session) -> list[int]:
    """Therapists with phone-pending requests that no live call carries yet."""
    r, cr, c = m.outreach_requests, m.call_requests, m.calls
    in_call = exists().where(
        cr.c.placement_request_id == r.c.placement_request_id, c.c.id == cr.c.call_id, LIVE_CALL
    )
    query = (
        select(r.c.therapist_id)
        .where(r.c.state == RequestState.PHONE_PENDING.value, ~in_call)
        .distinct()
    )
    return sorted(session.execute(query).scalars())


def first_contact(
    session: Session,
    therapist_id: int,
    now: datetime,
    rules: CallRules,
    default_window: Any,
    emit: Emit,
) -> str:
    """A first-contact call (or join the therapist's scheduled one) for phone-pending requests."""
    therapist = readmodels.lock_therapist(session, therapist_id)
    held = hold_reason(contact_of(session, therapist, therapist_id, now), now)
    if held is not None:
        return held
    ids = first_contact_ids(_phone_pending(session, therapist_id), _in_live_calls(session))
    if not ids:
        return "nothing_pending"
    joined = _scheduled_first_contact(session, therapist_id)
    if joined is not None:
        calls.add_requests(session, joined["id"], ids)
        if joined["slot_start"] is not None:
            emit(calls.scheduled_event(joined["id"], therapist_id, ids, joined["slot_start"]))
        return "joined"
    booking = calls.book(
        session,
        therapist,
        CallPurpose.FIRST_CONTACT,
        ids,
        planner_for(therapist, now, rules, default_window),
        now,
        rules,
    )
    return _announce(booking, therapist_id, ids, emit)


def _phone_pending(session: Session, therapist_id: int) -> list[int]:
    r = m.outreach_requests
    query = (
        select(r.c.placement_request_id)
        .where(r.c.therapist_id == therapist_id, r.c.state == RequestState.PHONE_PENDING.value)
        .order_by(r.c.urgent.desc(), r.c.search_started_at, r.c.placement_request_id)
    )
    return list(session.execute(query).scalars())


def _in_live_calls(session: Session) -> list[int]:
    cr, c = m.call_requests, m.calls
    return list(
        session.execute(
            select(cr.c.placement_request_id).join(c, c.c.id == cr.c.call_id).where(LIVE_CALL)
        ).scalars()
    )


def _scheduled_first_contact(session: Session, therapist_id: int) -> Any:
    c = m.calls
    return (
        session.execute(
            select(c)
            .where(
                c.c.therapist_id == therapist_id,
                c.c.purpose == CallPurpose.FIRST_CONTACT.value,
                c.c.state == CallState.SCHEDULED.value,
            )
            .order_by(c.c.id)
            .limit(1)
            .with_for_update(key_share=True)
        )
        .mappings()
        .first()
    )


def unslotted_call_ids(session: Session) -> list[int]:
    """Scheduled calls that found no free slot yet (flagged for staff)."""
    c = m.calls
    return list(
        session.execute(
            select(c.c.id)
            .where(c.c.state == CallState.SCHEDULED.value, c.c.slot_start.is_(None))
            .order_by(c.c.id)
            .limit(SCAN_LIMIT)
        ).scalars()
    )


def place_unslotted(
    session: Session, call_id: int, now: datetime, rules: CallRules, default_window: Any, emit: Emit
) -> str:
    """Try again to find a slot for a call that had none."""
    call = calls.call_row(session, call_id)
    therapist = readmodels.lock_therapist(session, call["therapist_id"])
    call = calls.call_row(session, call_id, lock=True)
    if call["state"] != CallState.SCHEDULED.value or call["slot_start"] is not None:
        return "unchanged"
    plan = planner_for(therapist, now, rules, default_window)(
        calls.booked_around(session, now, rules)
    )
    if plan.slot_start is None:
        return "no_slot"
    try:
        with session.begin_nested():
            _book_slot(session, call, therapist, plan, rules, now)
    except IntegrityError:
        return "slot_contention"
    emit(
        calls.scheduled_event(
            call_id, call["therapist_id"], calls.carried(session, call_id), plan.slot_start
        )
    )
    return "scheduled"


def _book_slot(
    session: Session, call: Any, therapist: Any, plan: Any, rules: CallRules, now: datetime
) -> None:
    """Give a call its slot and write the attempt into the contact ledger."""
    flagged, reason = flag_of(plan)
    session.execute(
        update(m.calls)
        .where(m.calls.c.id == call["id"])
        .values(
            slot_start=plan.slot_start,
            flagged_for_staff=flagged,
            flag_reason=reason,
            updated_at=now,
        )
    )
    purpose = CallPurpose(call["purpose"])
    calls.ledger_attempt(session, call["id"], therapist, purpose, plan.slot_start, rules, now, None)
