"""Requests leave unsent e-mails and calls (cancelled, placed elsewhere, answered, cooling);
e-mails left empty are dropped, changed ones are composed again; a withdrawal that overtook its
request's creation leaves a tombstone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from communication_service.domain.emails import EmailState, remove_requests
from communication_service.domain.requests import FINISHED_STATES, RequestState
from communication_service.services import calls
from communication_service.store.unit_of_work import CommunicationUnitOfWork

FINISHED = {state.value for state in FINISHED_STATES}


def withdraw(
    uow: CommunicationUnitOfWork, ids: list[int], state: RequestState, reason: str, now: datetime
) -> list[int]:
    """Close requests and take them out of unsent e-mails; returns the e-mails changed. A
    request not stored yet (its creation is still on the way) gets a tombstone, so its creation
    never makes it wait for contact."""
    stored = uow.requests.by_id(ids, lock=True)
    found = {request["placement_request_id"] for request in stored}
    uow.requests.leave_tombstones(sorted(set(ids) - found), state, reason, now)
    known = [
        request["placement_request_id"] for request in stored if request["state"] not in FINISHED
    ]
    changed = [
        email["id"]
        for email in uow.emails.unsent_carrying(known)
        if _shrink(uow, email, known, now)
    ]
    uow.requests.set_state(known, state, now, reason)
    calls.withdraw_requests(uow, known, now)
    return changed


def _shrink(uow: CommunicationUnitOfWork, email: Any, withdrawn: list[int], now: datetime) -> bool:
    """Take the requests out of one unsent e-mail; False when it did not change."""
    request_ids = uow.emails.carried_ids(email["id"])
    result = remove_requests(request_ids, withdrawn, EmailState(email["state"]))
    if result is None or (not result.cancel_email and not result.rerender):
        return False
    uow.emails.remove_requests(email["id"], withdrawn)
    if result.cancel_email:
        cancel_email(uow, email["id"], now, "all requests withdrawn")
    else:
        uow.emails.back_to_draft(email["id"], now)
    return True


def cancel_email(uow: CommunicationUnitOfWork, email_id: int, now: datetime, why: str) -> None:
    """An unsent e-mail is not sent; its ledger window is released."""
    uow.emails.cancel(email_id, now, why)
    uow.ledger.void_email(email_id, now)


def release_unsent_outreach(
    uow: CommunicationUnitOfWork, therapist_id: int, now: datetime
) -> list[int]:
    """Cooling started: unsent outreach e-mails and scheduled calls are cancelled, their
    requests wait again (follow-up requests stay with their sent e-mail)."""
    email_ids = uow.emails.unsent_outreach_of(therapist_id)
    for email_id in email_ids:
        ids = uow.emails.carried_ids(email_id)
        uow.emails.remove_all_requests(email_id)
        uow.requests.set_state(ids, RequestState.WAITING, now)
        cancel_email(uow, email_id, now, "cooling period started")
    calls.cancel_for_therapist(uow, therapist_id, now, "cooling period started")
    return email_ids
