"""E-mail use cases: reading e-mails and a therapist's contact history, retrying a failed
e-mail, and the e-mails other services' events ask for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from communication_service.context import CommunicationContext
from communication_service.domain.emails import OUTREACH, EmailState
from communication_service.domain.errors import (
    EmailNotFound,
    EmailNotRetryable,
    OutreachForbiddenNow,
)
from communication_service.domain.outreach import OutreachRules
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
        _requeue(uow, row, now, ctx.outreach_rules)
        try:
            uow.commit()
        except IntegrityError as exc:
            raise OutreachForbiddenNow() from exc
    return get_email(ctx, email_id)


def _requeue(uow: CommunicationUnitOfWork, row: Any, now: datetime, rules: OutreachRules) -> None:
    if row["purpose"] == OUTREACH:
        therapist = {
            "therapist_id": row["therapist_id"],
            "practice_id": uow.therapists.practice_of(row["therapist_id"]),
        }
        uow.ledger.reserve_outreach(therapist, row["id"], now, rules)
    uow.emails.requeue(row["id"], now)


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
