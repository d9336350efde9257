"""Outreach planning: one therapist at a time, under the therapist's row lock; the draft and
its ledger window are written together, or not at all."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from communication_service.context import CommunicationContext
from communication_service.domain.calls import first_contact_ids, joinable
from communication_service.domain.emails import OUTREACH, inquiry_template
from communication_service.domain.outreach import (
    Action,
    Decision,
    OutreachRules,
    TherapistContact,
    plan_outreach,
    uses_phone,
)
from communication_service.domain.requests import RequestState
from communication_service.store.unit_of_work import CommunicationUnitOfWork


def run_outreach(ctx: CommunicationContext, now: datetime) -> dict[str, Any]:
    """Job `outreach`: every therapist with waiting requests, one transaction each. A therapist
    whose cooling period runs is held without one (the decision would be `hold` anyway, and on
    busy days most of them cool: one query instead of a planning transaction each)."""
    with ctx.unit_of_work() as uow:
        therapist_ids = uow.requests.therapists_with_waiting()
        cooling = uow.cooling.cooling_at(therapist_ids, now)
    counts: dict[str, int] = {Action.HOLD.value: len(cooling)} if cooling else {}
    for therapist_id in therapist_ids:
        if therapist_id in cooling:
            continue
        with ctx.unit_of_work() as uow:
            for action, count in plan_for(uow, {therapist_id}, now, ctx.outreach_rules).items():
                counts[action] = counts.get(action, 0) + count
            uow.commit()
    return {"therapists": len(therapist_ids), **counts}


def plan_for(
    uow: CommunicationUnitOfWork, therapist_ids: set[int], now: datetime, rules: OutreachRules
) -> dict[str, int]:
    """Plan the given therapists inside the caller's transaction; counts the actions."""
    counts: dict[str, int] = {}
    for therapist_id in sorted(therapist_ids):
        decision = plan_therapist(uow, therapist_id, now, rules)
        if decision is not None:
            counts[decision.action.value] = counts.get(decision.action.value, 0) + 1
    return counts


def plan_therapist(
    uow: CommunicationUnitOfWork, therapist_id: int, now: datetime, rules: OutreachRules
) -> Decision | None:
    """Decide and apply the outreach for one therapist's waiting requests."""
    therapist = uow.therapists.lock(therapist_id)
    waiting = uow.requests.waiting_of(therapist_id)
    if not waiting:
        return None
    contact = _contact(uow, therapist, therapist_id, now, rules)
    decision = plan_outreach(waiting, {therapist_id: contact}, now, rules)[0]
    return _apply(uow, decision, therapist, now, rules)


def _contact(
    uow: CommunicationUnitOfWork,
    therapist: Any,
    therapist_id: int,
    now: datetime,
    rules: OutreachRules,
) -> TherapistContact:
    if therapist is None:
        return TherapistContact(therapist_id, known=False)
    draft_id, draft_size = uow.emails.open_draft(therapist_id)
    practice = therapist["practice_id"] if rules.per_practice else None
    contact = TherapistContact(
        therapist_id,
        active=therapist["status"] == "active",
        opted_out=therapist["opted_out"],
        has_email=therapist["has_email"],
        has_phone=therapist["has_phone"],
        prefers_phone=therapist["preferred_channel"] == "phone",
        last_outreach_at=uow.ledger.last_outreach_at(therapist_id, practice),
        cooling_until=uow.cooling.until(therapist_id, now),
        open_draft_id=draft_id,
        open_draft_size=draft_size,
        unsent_outreach=uow.emails.outreach_in_flight(therapist_id),
    )
    if not uses_phone(contact):
        return contact
    return replace(contact, **_phone_batch(uow, therapist_id, now))


def _phone_batch(uow: CommunicationUnitOfWork, therapist_id: int, now: datetime) -> dict[str, Any]:
    """The phone path's open batch: requests still waiting for their first-contact call, and a
    call whose first attempt has not taken place (its requests count against the limit)."""
    pending = first_contact_ids(
        uow.requests.phone_pending_of(therapist_id), uow.call_scans.requests_in_live_calls()
    )
    call = uow.calls.scheduled_first_contact(therapist_id)
    open_call = joinable(call, now)
    size = len(pending) + (len(uow.calls.carried_ids(call["id"])) if open_call else 0)
    return {"phone_batch_open": bool(pending) or open_call, "phone_batch_size": size}


def _apply(
    uow: CommunicationUnitOfWork,
    decision: Decision,
    therapist: Any,
    now: datetime,
    rules: OutreachRules,
) -> Decision:
    ids = list(decision.request_ids)
    if decision.action is Action.PHONE:
        uow.requests.set_state(ids, RequestState.PHONE_PENDING, now)
    elif decision.action is Action.JOIN_DRAFT and decision.draft_id is not None:
        add_to_email(uow, decision.draft_id, ids, now)
    elif decision.action is Action.NEW_EMAIL:
        if not _new_email(uow, therapist, ids, now, rules):
            return Decision(
                decision.therapist_id, Action.WAIT, waiting_ids=tuple(ids), reason="ledger_refused"
            )
    return decision


def _new_email(
    uow: CommunicationUnitOfWork,
    therapist: Any,
    ids: list[int],
    now: datetime,
    rules: OutreachRules,
) -> bool:
    """Draft + ledger reservation in a savepoint; False when the database refuses the slot."""
    with uow.savepoint() as attempt:
        email_id = uow.emails.create(
            OUTREACH, inquiry_template(len(ids)), now, therapist_id=therapist["therapist_id"]
        )
        uow.ledger.reserve_outreach(therapist, email_id, now, rules)
        add_to_email(uow, email_id, ids, now)
    return attempt.refused is None


def add_to_email(
    uow: CommunicationUnitOfWork, email_id: int, ids: list[int], now: datetime
) -> None:
    """Requests join an unsent e-mail after those already in it (the template follows)."""
    count = uow.emails.add_requests(email_id, ids)
    uow.requests.set_state(ids, RequestState.IN_EMAIL, now)
    uow.emails.set_template(email_id, inquiry_template(count), now)
