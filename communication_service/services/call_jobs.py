"""Job `follow-ups`: follow-up calls of unanswered e-mails, first-contact calls for therapists
reached by phone, and calls still waiting for a free slot.

One transaction per e-mail / therapist / call, serialised by the therapist row lock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from communication_service.context import CommunicationContext
from communication_service.domain.calls import (
    CallPurpose,
    CallState,
    call_rules_for,
    first_contact_ids,
    phone_hours,
)
from communication_service.domain.follow_ups import CallRules, due_follow_ups, plan_first_call
from communication_service.domain.outreach import TherapistContact, hold_reason
from communication_service.services import calls
from communication_service.store import events
from communication_service.store.unit_of_work import CommunicationUnitOfWork

Step = Callable[[CommunicationUnitOfWork, int, datetime, CallRules, Any], str]


def run_follow_ups(ctx: CommunicationContext, now: datetime) -> dict[str, Any]:
    """Job `follow-ups`: follow-up calls, first-contact calls, calls still without a slot."""
    with ctx.unit_of_work() as uow:
        emails = uow.call_scans.due_email_ids(now, ctx.call_rules)
        therapists = uow.call_scans.therapists_awaiting_first_call()
        unslotted = uow.call_scans.unslotted_call_ids()
    return {
        "follow_up": _one_transaction_each(ctx, now, follow_up_email, emails),
        "first_contact": _one_transaction_each(ctx, now, first_contact, therapists),
        "unslotted": _one_transaction_each(ctx, now, place_unslotted, unslotted),
    }


def _one_transaction_each(
    ctx: CommunicationContext, now: datetime, step: Step, keys: list[int]
) -> dict[str, int]:
    """One transaction per e-mail / therapist / call; counts the outcomes."""
    counts: dict[str, int] = {}
    for key in keys:
        with ctx.unit_of_work() as uow:
            outcome = step(uow, key, now, ctx.call_rules, ctx.default_window)
            uow.commit()
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def contact_of(
    uow: CommunicationUnitOfWork, therapist: Any, therapist_id: int, now: datetime
) -> TherapistContact:
    """The hold-relevant facts of a therapist (read model + cooling periods)."""
    if therapist is None:
        return TherapistContact(therapist_id, known=False)
    return TherapistContact(
        therapist_id,
        active=therapist["status"] == "active",
        opted_out=therapist["opted_out"],
        cooling_until=uow.cooling.until(therapist_id, now),
    )


def planner_for(
    therapist: Any, now: datetime, rules: CallRules, default_window: Any
) -> calls.Planner:
    """The slot planner of a first attempt for this therapist."""
    hours, practice_rules = phone_hours(therapist), call_rules_for(therapist, rules)
    return lambda booked: plan_first_call(hours, booked, now, practice_rules, default_window)


def follow_up_email(
    uow: CommunicationUnitOfWork,
    email_id: int,
    now: datetime,
    rules: CallRules,
    default_window: Any,
) -> str:
    """Book the single follow-up call of one e-mail; returns scheduled | no_slot | a reason."""
    therapist_id = uow.emails.therapist_of(email_id)
    therapist = uow.therapists.lock(therapist_id)
    held = hold_reason(contact_of(uow, therapist, therapist_id, now), now)
    if held is not None:
        return held
    email = uow.call_scans.sent_outreach(email_id)
    if not due_follow_ups([email], now, rules):
        return "not_due"
    ids = list(email.open_request_ids)
    planner = planner_for(therapist, now, rules, default_window)
    booking = calls.book(
        uow, therapist, CallPurpose.FOLLOW_UP, ids, planner, now, rules, email_id=email_id
    )
    return _announce(uow, booking, therapist_id, ids, now)


def _announce(
    uow: CommunicationUnitOfWork,
    booking: calls.Booking,
    therapist_id: int,
    ids: list[int],
    now: datetime,
) -> str:
    """communication.call_scheduled for a booked slot; the outcome's name either way."""
    if booking.call_id is None or booking.plan is None:
        return booking.refused or "refused"
    if booking.plan.slot_start is None:
        return "no_slot"
    scheduled = events.call_scheduled(booking.call_id, therapist_id, ids, booking.plan.slot_start)
    uow.events.add(scheduled, now)
    return "scheduled"


def first_contact(
    uow: CommunicationUnitOfWork,
    therapist_id: int,
    now: datetime,
    rules: CallRules,
    default_window: Any,
) -> str:
    """A first-contact call (or join the therapist's scheduled one) for phone-pending requests."""
    therapist = uow.therapists.lock(therapist_id)
    held = hold_reason(contact_of(uow, therapist, therapist_id, now), now)
    if held is not None:
        return held
    pending = uow.requests.phone_pending_of(therapist_id)
    ids = first_contact_ids(pending, uow.call_scans.requests_in_live_calls())
    if not ids:
        return "nothing_pending"
    joined = uow.calls.scheduled_first_contact(therapist_id)
    if joined is not None:
        uow.calls.add_requests(joined["id"], ids)
        if joined["slot_start"] is not None:
            scheduled = events.call_scheduled(joined["id"], therapist_id, ids, joined["slot_start"])
            uow.events.add(scheduled, now)
        return "joined"
    planner = planner_for(therapist, now, rules, default_window)
    booking = calls.book(uow, therapist, CallPurpose.FIRST_CONTACT, ids, planner, now, rules)
    return _announce(uow, booking, therapist_id, ids, now)


def place_unslotted(
    uow: CommunicationUnitOfWork,
    call_id: int,
    now: datetime,
    rules: CallRules,
    default_window: Any,
) -> str:
    """Try again to find a slot for a call that had none."""
    call = uow.calls.row(call_id)
    therapist = uow.therapists.lock(call["therapist_id"])
    call = uow.calls.row(call_id, lock=True)
    if call["state"] != CallState.SCHEDULED.value or call["slot_start"] is not None:
        return "unchanged"
    plan = planner_for(therapist, now, rules, default_window)(uow.calls.booked_around(now, rules))
    if plan.slot_start is None:
        return "no_slot"
    with uow.savepoint() as attempt:
        uow.calls.set_slot(call_id, plan, now)
        purpose = CallPurpose(call["purpose"])
        uow.ledger.call_attempt(call_id, therapist, purpose, plan.slot_start, rules.slots.slot, now)
    if attempt.refused is not None:
        return "slot_contention"
    request_ids = uow.calls.carried_ids(call_id)
    scheduled = events.call_scheduled(call_id, call["therapist_id"], request_ids, plan.slot_start)
    uow.events.add(scheduled, now)
    return "scheduled"
