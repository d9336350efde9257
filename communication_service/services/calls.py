"""Call use cases: booking a slot (a slot taken concurrently is planned again), withdrawing
requests from calls, cancelling a therapist's calls, and the call desk's reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from communication_service.clients.directory import Directory, DirectoryUnavailable
from communication_service.context import CommunicationContext
from communication_service.domain.calls import CallPurpose
from communication_service.domain.errors import CallNotFound
from communication_service.domain.follow_ups import CallPlan, CallRules
from communication_service.domain.requests import RequestState
from communication_service.store.calls import EMAIL_TAKEN, SLOT_TAKEN
from communication_service.store.unit_of_work import CommunicationUnitOfWork

BOOKING_TRIES = 3
Planner = Callable[[list[datetime]], CallPlan]


@dataclass(frozen=True)
class Booking:
    """A new call (or why there is none: email_taken | slot_contention | a constraint)."""

    call_id: int | None
    plan: CallPlan | None = None
    refused: str | None = None


def book(
    uow: CommunicationUnitOfWork,
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
        plan = planner(uow.calls.booked_around(now, rules))
        with uow.savepoint() as attempt:
            call_id = uow.calls.insert(therapist["therapist_id"], purpose, plan, now, email_id)
            uow.calls.add_requests(call_id, ids)
            if plan.slot_start is not None:
                uow.ledger.call_attempt(
                    call_id, therapist, purpose, plan.slot_start, rules.slots.slot, now
                )
        if attempt.refused is None:
            return Booking(call_id, plan)
        if attempt.refused == EMAIL_TAKEN:
            return Booking(None, refused="email_taken")
        if attempt.refused != SLOT_TAKEN:
            return Booking(None, refused=attempt.refused)
    return Booking(None, refused="slot_contention")


def mark_attempt_made(
    uow: CommunicationUnitOfWork, call: Any, therapist: Any, now: datetime, rules: CallRules
) -> None:
    """The current attempt took place now (a ledger row is added for an unslotted call)."""
    if not uow.ledger.mark_call_attempt_made(call["id"], now):
        purpose = CallPurpose(call["purpose"])
        uow.ledger.call_attempt(call["id"], therapist, purpose, now, rules.slots.slot, now, now)


def cancel_call(uow: CommunicationUnitOfWork, call_id: int, now: datetime, why: str) -> None:
    """A call that will not happen: its unused ledger rows no longer count."""
    uow.calls.cancel(call_id, now, why)
    uow.ledger.void_call(call_id, now)


def withdraw_requests(uow: CommunicationUnitOfWork, ids: list[int], now: datetime) -> list[int]:
    """Closed requests leave scheduled calls; a call left empty is cancelled. Returns calls."""
    if not ids:
        return []
    affected = uow.calls.scheduled_carrying(ids)
    for call_id in affected:
        uow.calls.remove_requests(call_id, ids)
        if not uow.calls.carried_ids(call_id):
            cancel_call(uow, call_id, now, "all requests withdrawn")
    return affected


def cancel_for_therapist(
    uow: CommunicationUnitOfWork, therapist_id: int, now: datetime, why: str
) -> list[int]:
    """Cooling, block or opt-out: no calls; first-contact requests wait for the planner again."""
    scheduled = uow.calls.scheduled_of_therapist(therapist_id)
    for call_id, purpose in scheduled:
        if purpose == CallPurpose.FIRST_CONTACT.value:
            requests_in_call = uow.requests.by_id(uow.calls.carried_ids(call_id))
            pending = [
                request["placement_request_id"]
                for request in requests_in_call
                if request["state"] == RequestState.PHONE_PENDING.value
            ]
            uow.requests.set_state(pending, RequestState.WAITING, now)
        cancel_call(uow, call_id, now, why)
    return [call_id for call_id, _ in scheduled]


def get_call(ctx: CommunicationContext, call_id: int) -> dict[str, Any]:
    """One call with its patients, previous contacts and the therapist's phone."""
    with ctx.unit_of_work() as uow:
        found = uow.call_views.find(call_id, ctx.call_rules.slots.slot_minutes)
    if found is None:
        raise CallNotFound(call_id)
    return with_contacts([found], ctx.directory)[0]


def list_calls(
    ctx: CommunicationContext, filters: dict[str, Any], offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The call list (HTTP lookups of phone numbers happen after the transaction)."""
    slot_minutes = ctx.call_rules.slots.slot_minutes
    with ctx.unit_of_work() as uow:
        items, total = uow.call_views.page(filters, offset, limit, slot_minutes)
    return with_contacts(items, ctx.directory), total


def with_contacts(items: list[dict[str, Any]], directory: Directory) -> list[dict[str, Any]]:
    """Add each therapist's name, phone and phone hours (one lookup per therapist)."""
    found: dict[int, dict[str, Any] | None] = {}
    for item in items:
        therapist_id = item["therapist_id"]
        if therapist_id not in found:
            found[therapist_id] = _contact(directory, therapist_id)
        item["therapist"] = found[therapist_id]
    return items


def _contact(directory: Directory, therapist_id: int) -> dict[str, Any] | None:
    try:
        data = directory.therapist(therapist_id)
    except DirectoryUnavailable:
        return None
    if data is None:
        return None
    parts = (data.get("title"), data.get("first_name"), data.get("last_name"))
    name = " ".join(part for part in parts if part)
    return {
        "name": name or None,
        "phone": data.get("phone"),
        "phone_hours": data.get("phone_hours") or {},
    }
