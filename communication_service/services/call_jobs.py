"""Job `follow-ups`: calls whose slot passed without an outcome (not reached: rescheduled),
follow-up calls of unanswered e-mails, first-contact calls for therapists reached by phone
(the e-mail limits: at most MAX_PATIENTS_PER_EMAIL per call, MIN_DAYS_BETWEEN_EMAILS since the
last outreach of either channel, new requests join only a call not yet attempted), and calls
still waiting for a free slot.

One transaction per e-mail / therapist / call, serialised by the therapist row lock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from communication_service.context import CommunicationContext
from communication_service.domain.calls import (
    CallPurpose,
    CallState,
    call_rules_for,
    first_contact_ids,
    joinable,
    overdue_before,
    phone_hours,
)
from communication_service.domain.follow_ups import CallRules, due_follow_ups, plan_first_call
from communication_service.domain.outreach import OutreachRules, TherapistContact, hold_reason
from communication_service.services import call_outcomes, calls
from communication_service.store import events
from communication_service.store.unit_of_work import CommunicationUnitOfWork

Step = Callable[[CommunicationUnitOfWork, int, datetime, CallRules, Any], str]


def run_follow_ups(ctx: CommunicationContext, now: datetime) -> dict[str, Any]:
    """Job `follow-ups`: overdue calls, follow-up calls, first-contact calls, calls without a
    slot (overdue calls first: a call whose slot passed takes no new requests)."""
    rules = ctx.call_rules
    with ctx.unit_of_work() as uow:
        overdue = uow.call_scans.overdue_call_ids(
            overdue_before(now, rules.slots.slot, rules.outcome_grace)
        )
    missed = _one_transaction_each(ctx, now, miss_overdue, overdue)
    with ctx.unit_of_work() as uow:
        emails = uow.call_scans.due_email_ids(now, rules)
        therapists = uow.call_scans.therapists_awaiting_first_call()
        unslotted = uow.call_scans.unslotted_call_ids()
        owners = uow.emails.therapists_of(emails)
        cooling = uow.cooling.cooling_at(sorted({*owners.values(), *therapists}), now)
    first = partial(first_contact, outreach=ctx.outreach_rules)
    return {
        "overdue": missed,
        "follow_up": _one_transaction_each(
            ctx, now, follow_up_email, emails, [e for e in emails if owners.get(e) in cooling]
        ),
        "first_contact": _one_transaction_each(
            ctx, now, first, therapists, [t for t in therapists if t in cooling]
        ),
        "unslotted": _one_transaction_each(ctx, now, place_unslotted, unslotted),
    }


def _one_transaction_each(
    ctx: CommunicationContext,
    now: datetime,
    step: Step,
    keys: list[int],
    cooling: list[int] | None = None,
) -> dict[str, int]:
    """One transaction per e-mail / therapist / call; counts the outcomes. Keys whose therapist
    is `cooling` (read in one query) count as "cooling" without one: the step would stop at
    its hold check anyway (most of the due e-mails on a busy day)."""
    held = set(cooling or ())
    counts: dict[str, int] = {"cooling": len(held)} if held else {}
    for key in keys:
        if key in held:
            continue
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
    outreach: OutreachRules | None = None,
) -> str:
    """A first-contact call for phone-pending requests, with the e-mail limits: they join the
    therapist's call not yet attempted (up to `max_patients_per_email`), wait while a call is in
    progress or the last outreach (either channel) is younger than the 7-day gap, or get a new
    call with at most `max_patients_per_email` of them (the rest wait, still phone-pending)."""
    limits = outreach or OutreachRules()
    therapist = uow.therapists.lock(therapist_id)
    held = hold_reason(contact_of(uow, therapist, therapist_id, now), now)
    if held is not None:
        return held
    pending = uow.requests.phone_pending_of(therapist_id)
    ids = first_contact_ids(pending, uow.call_scans.requests_in_live_calls())
    if not ids:
        return "nothing_pending"
    live = uow.calls.scheduled_first_contact(therapist_id)
    if live is not None:
        return _join(uow, live, therapist_id, ids, now, limits)
    practice = therapist["practice_id"] if therapist is not None and limits.per_practice else None
    last = uow.ledger.last_outreach_at(therapist_id, practice)
    if last is not None and now < last + limits.email_gap:
        return "min_days_between_emails"
    ids = ids[: limits.max_patients_per_email]
    planner = planner_for(therapist, now, rules, default_window)
    booking = calls.book(uow, therapist, CallPurpose.FIRST_CONTACT, ids, planner, now, rules)
    return _announce(uow, booking, therapist_id, ids, now)


def _join(
    uow: CommunicationUnitOfWork,
    call: Any,
    therapist_id: int,
    ids: list[int],
    now: datetime,
    limits: OutreachRules,
) -> str:
    """Requests join a first-contact call not yet attempted, as many as it has room for."""
    if not joinable(call, now):
        return "call_in_progress"
    room = limits.max_patients_per_email - len(uow.calls.carried_ids(call["id"]))
    ids = ids[: max(0, room)]
    if not ids:
        return "call_full"
    uow.calls.add_requests(call["id"], ids)
    if call["slot_start"] is not None:
        scheduled = events.call_scheduled(call["id"], therapist_id, ids, call["slot_start"])
        uow.events.add(scheduled, now)
    return "joined"


def miss_overdue(
    uow: CommunicationUnitOfWork,
    call_id: int,
    now: datetime,
    rules: CallRules,
    default_window: Any,
) -> str:
    """A scheduled call whose slot passed without an outcome counts as not reached."""
    found = uow.calls.row(call_id)
    therapist = uow.therapists.lock(found["therapist_id"])
    call = uow.calls.row(call_id, lock=True)
    cutoff = overdue_before(now, rules.slots.slot, rules.outcome_grace)
    if call["state"] != CallState.SCHEDULED.value or call["slot_start"] is None:
        return "unchanged"
    if call["slot_start"] > cutoff:
        return "unchanged"
    in_call = uow.calls.carried_ids(call_id)
    for event in call_outcomes.not_reached(
        uow, call, therapist, in_call, now, rules, default_window
    ):
        uow.events.add(event, now)
    updated = uow.calls.row(call_id)
    return "failed" if updated["state"] == CallState.FAILED.value else "rescheduled"


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
