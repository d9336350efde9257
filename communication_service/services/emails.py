"""E-mail use cases: reading e-mails and a therapist's contact history, retrying a failed
e-mail, and the e-mails other services' events ask for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from communication_service.context import CommunicationContext
from communication_service.domain.emails import OUTREACH, EmailState, inquiry_template
from communication_service.domain.errors import (
    EmailNotFound,
    EmailNotRetryable,
    OutreachForbiddenNow,
)
from communication_service.domain.outreach import OutreachRules
from communication_service.domain.requests import RequestState, is_open
from communication_service.services import calls
from communication_service.store.unit_of_work import CommunicationUnitOfWork
from shared.clock import Clock


def get_email(ctx: CommunicationContext, email_id: int) -> dict[str, Any]:
    """One e-mail with its rendered bodies and the placement requests it carries."""
    with ctx.unit_of_work() as uow:
        found = uow.email_views.detail(email_id)
    if found is None:
        raise EmailNotFound(email_id)
    return found


def list_emails(
    ctx: CommunicationContext, filters: dict[str, Any], offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of e-mails (newest first) and the total."""
    with ctx.unit_of_work() as uow:
        return uow.email_views.page(filters, offset, limit)


def contact_history(ctx: CommunicationContext, therapist_id: int) -> dict[str, Any]:
    """Every contact, answer and cooling period of a therapist."""
    with ctx.unit_of_work() as uow:
        return uow.email_views.contact_history(therapist_id, ctx.clock.now())


def retry_email(ctx: CommunicationContext, email_id: int) -> dict[str, Any]:
    """A failed e-mail is queued again (outreach: a new 7-day window must be free)."""
    now = ctx.clock.now()
    with ctx.unit_of_work() as uow:
        row = uow.emails.row(email_id, lock=True)
        if row is None:
            raise EmailNotFound(email_id)
        if row["state"] != EmailState.FAILED.value:
            raise EmailNotRetryable(row["state"])
        if row["purpose"] == OUTREACH and not _renew_outreach(uow, row, now):
            uow.commit()
            return get_email(ctx, email_id)
        _requeue(uow, row, now, ctx.outreach_rules)
        try:
            uow.commit()
        except IntegrityError as exc:
            raise OutreachForbiddenNow() from exc
    return get_email(ctx, email_id)


def _renew_outreach(uow: CommunicationUnitOfWork, row: Any, now: datetime) -> bool:
    """Only the requests still open stay in the e-mail (never a patient placed, paused or erased
    since); it is composed again from them. False: none is left, the e-mail is cancelled."""
    carried = uow.emails.carried_ids(row["id"])
    still = [r["placement_request_id"] for r in uow.requests.by_id(carried) if is_open(r["state"])]
    uow.emails.remove_requests(row["id"], [i for i in carried if i not in still])
    if not still:
        uow.emails.cancel(row["id"], now, "no open requests left")
        return False
    calls.withdraw_requests(uow, still, now)  # back from the phone path to the e-mail
    uow.requests.set_state(still, RequestState.IN_EMAIL, now)
    uow.emails.set_template(row["id"], inquiry_template(len(still)), now)
    return True


def _requeue(uow: CommunicationUnitOfWork, row: Any, now: datetime, rules: OutreachRules) -> None:
    if row["purpose"] == OUTREACH:
        therapist = {
            "therapist_id": row["therapist_id"],
            "practice_id": uow.therapists.practice_of(row["therapist_id"]),
        }
        uow.ledger.reserve_outreach(therapist, row["id"], now, rules)
    uow.emails.requeue(row["id"], now)
    if row["purpose"] == OUTREACH:
        uow.emails.back_to_draft(row["id"], now)  # rendered again, with a new Message-ID


def queue_patient_email(
    uow: CommunicationUnitOfWork,
    clock: Clock,
    patient_id: int,
    template: str,
    context: dict[str, Any] | None = None,
) -> int:
    """A draft e-mail to the patient (registration, search started/paused/ended)."""
    with uow:
        email_id = uow.emails.create(
            "patient", template, clock.now(), patient_id=patient_id, context=context
        )
        uow.commit()
    return email_id
