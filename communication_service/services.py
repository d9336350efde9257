"""Use cases of the communication service: the only place (with handlers) that commits."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from communication_service import (
    call_jobs,
    call_outcomes,
    call_queries,
    composing,
    outreach,
    queries,
    responses,
    sending,
)
from communication_service import models as m
from communication_service.context import CommunicationContext
from communication_service.domain import EmailState
from communication_service.mailer import DeliveryError, build_message, new_message_id
from communication_service.rendering import SPECS, sample_context
from shared.events.envelope import DomainEvent
from shared.unit_of_work import UnitOfWork


class EmailNotFound(LookupError):
    """No e-mail with this id."""


class Conflict(Exception):
    """The change contradicts the current state."""


def publisher(ctx: CommunicationContext, now: datetime) -> sending.Publish:
    """Events go to the outbox in the caller's transaction."""

    def publish(session: Session, event: DomainEvent) -> None:
        ctx.outbox.add(session, event, occurred_at=now)

    return publish


def plan_for(
    ctx: CommunicationContext, session: Session, therapist_ids: set[int], now: datetime
) -> dict[str, int]:
    """Plan the given therapists inside the caller's transaction (event handlers)."""
    counts: dict[str, int] = {}
    for therapist_id in sorted(therapist_ids):
        decision = outreach.plan_therapist(session, therapist_id, now, ctx.rules, ctx.per_practice)
        if decision is not None:
            counts[decision.action.value] = counts.get(decision.action.value, 0) + 1
    return counts


def run_outreach(ctx: CommunicationContext, now: datetime) -> dict[str, Any]:
    """Job `outreach`: every therapist with waiting requests, one transaction each."""
    with UnitOfWork(ctx.session_factory) as uow:
        therapist_ids = outreach.therapists_with_waiting_requests(uow.session)
    counts: dict[str, int] = {}
    for therapist_id in therapist_ids:
        with UnitOfWork(ctx.session_factory) as uow:
            for action, n in plan_for(ctx, uow.session, {therapist_id}, now).items():
                counts[action] = counts.get(action, 0) + n
            uow.commit()
    return {"therapists": len(therapist_ids), **counts}


def send_emails(ctx: CommunicationContext, now: datetime) -> dict[str, Any]:
    """Job `send-emails`: reconcile stale sends, compose drafts, deliver queued e-mails."""
    return {
        "reconciled": reconcile_stale(ctx, now),
        "composed": compose_drafts(ctx, now),
        "delivered": deliver_queued(ctx, now),
    }


def reconcile_stale(ctx: CommunicationContext, now: datetime) -> dict[str, int]:
    """E-mails left in `sending` longer than the timeout (the worker stopped mid-delivery)."""
    older_than = now - timedelta(seconds=ctx.sending_timeout_s)
    counts: dict[str, int] = {}
    with UnitOfWork(ctx.session_factory) as uow:
        for row in sending.stale_sending(uow.session, older_than, ctx.batch_size):
            outcome = sending.reconcile(uow.session, row, ctx.probe, now, publisher(ctx, now))
            counts[outcome] = counts.get(outcome, 0) + 1
        uow.commit()
    return counts


def compose_drafts(ctx: CommunicationContext, now: datetime) -> dict[str, int]:
    """Resolve recipients and render due drafts; HTTP happens outside transactions."""
    with UnitOfWork(ctx.session_factory) as uow:
        drafts = composing.due_drafts(uow.session, now, ctx.batch_size)
    counts: dict[str, int] = {}
    smtp = ctx.smtp
    for draft in drafts:
        result = composing.compose(draft, ctx.directory, ctx.renderer)
        with UnitOfWork(ctx.session_factory) as uow:
            outcome = composing.store(
                uow.session,
                draft,
                result,
                now,
                ctx.retry.backoff_base_s,
                lambda email_id: new_message_id(smtp, email_id),
                publisher(ctx, now),
            )
            uow.commit()
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def deliver_queued(ctx: CommunicationContext, now: datetime) -> dict[str, int]:
    """Deliver due e-mails, each claimed (`sending`, committed) just before it goes to SMTP:
    a worker killed mid-run leaves only the e-mail in flight undecided (see sending.py)."""
    counts: dict[str, int] = {}
    while _deliver_over_one_connection(ctx, now, counts) == ctx.batch_size:
        pass
    return counts


def _deliver_over_one_connection(ctx: CommunicationContext, now: datetime, counts: dict) -> int:
    """Up to `batch_size` e-mails per SMTP connection (servers limit messages per connection)."""
    row = _claim_next(ctx, now)
    if row is None:
        return 0  # nothing due: no SMTP connection at all
    handled = 0
    with ctx.mailer.session() as smtp:
        while row is not None:
            outcome = _deliver_one(ctx, smtp, row, now)
            counts[outcome] = counts.get(outcome, 0) + 1
            handled += 1
            row = _claim_next(ctx, now) if handled < ctx.batch_size else None
    return handled


def _claim_next(ctx: CommunicationContext, now: datetime) -> dict[str, Any] | None:
    with UnitOfWork(ctx.session_factory) as uow:
        claimed = sending.claim(uow.session, now, 1)
        uow.commit()
    return claimed[0] if claimed else None


def _deliver_one(ctx: CommunicationContext, smtp: Any, row: dict[str, Any], now: datetime) -> str:
    publish = publisher(ctx, now)
    try:
        smtp.send(build_message(ctx.smtp, row))
    except DeliveryError as exc:
        with UnitOfWork(ctx.session_factory) as uow:
            outcome = sending.mark_failed_attempt(
                uow.session, row["id"], exc.code, exc.permanent, now, ctx.retry, publish
            )
            uow.commit()
        return outcome
    with UnitOfWork(ctx.session_factory) as uow:
        sending.mark_sent(uow.session, row["id"], now, publish)
        uow.commit()
    return "sent"


def record_response(ctx: CommunicationContext, data: responses.ResponseInput) -> dict[str, Any]:
    """POST /api/responses: store, start cooling, publish therapist_response_recorded."""
    now = ctx.clock.now()
    with UnitOfWork(ctx.session_factory) as uow:
        event = responses.record(uow.session, data, now, ctx.rules)
        ctx.outbox.add(uow.session, event, occurred_at=now)
        try:
            uow.commit()
        except IntegrityError as exc:
            raise Conflict("The answer was recorded concurrently.") from exc
    return {**event.model_dump(mode="json"), "note": data.note}


def retry_email(ctx: CommunicationContext, email_id: int) -> dict[str, Any]:
    """A failed e-mail is queued again (outreach: a new 7-day window must be free)."""
    now = ctx.clock.now()
    with UnitOfWork(ctx.session_factory) as uow:
        row = queries.email_row(uow.session, email_id, lock=True)
        if row is None:
            raise EmailNotFound(email_id)
        if row["state"] != EmailState.FAILED.value:
            raise Conflict(f"Only failed e-mails can be retried (this one is {row['state']}).")
        _requeue(ctx, uow.session, row, now)
        try:
            uow.commit()
        except IntegrityError as exc:
            raise Conflict(
                "The therapist's outreach limit or cooling period forbids this e-mail now."
            ) from exc
    return get_email(ctx, email_id)


def _requeue(ctx: CommunicationContext, session: Session, row: Any, now: datetime) -> None:
    if row["purpose"] == "outreach":
        therapist = {
            "therapist_id": row["therapist_id"],
            "practice_id": queries.practice_of(session, row["therapist_id"]),
        }
        outreach.reserve_window(session, therapist, row["id"], now, ctx.rules, ctx.per_practice)
    session.execute(
        update(m.emails)
        .where(m.emails.c.id == row["id"])
        .values(
            state=EmailState.QUEUED.value,
            attempts=0,
            next_attempt_at=now,
            failed_at=None,
            last_error=None,
            updated_at=now,
        )
    )


def get_email(ctx: CommunicationContext, email_id: int) -> dict[str, Any]:
    """One e-mail with its rendered bodies and the placement requests it carries."""
    with UnitOfWork(ctx.session_factory) as uow:
        found = queries.email_detail(uow.session, email_id)
    if found is None:
        raise EmailNotFound(email_id)
    return found


def list_emails(
    ctx: CommunicationContext, filters: dict[str, Any], offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of e-mails (newest first) and the total."""
    with UnitOfWork(ctx.session_factory) as uow:
        return queries.list_emails(uow.session, filters, offset, limit)


def contact_history(ctx: CommunicationContext, therapist_id: int) -> dict[str, Any]:
    """Every contact, answer and cooling period of a therapist."""
    with UnitOfWork(ctx.session_factory) as uow:
        return queries.contact_history(uow.session, therapist_id, ctx.clock.now())


def templates() -> list[dict[str, str]]:
    """The template catalogue."""
    return [
        {"name": s.name, "audience": s.audience, "description": s.description}
        for s in SPECS.values()
    ]


def preview(ctx: CommunicationContext, name: str) -> dict[str, Any]:
    """Render a template with sample data (UnknownTemplate for a name not in the catalogue)."""
    rendered = ctx.renderer.render(name, sample_context(name))
    return {"name": name, "subject": rendered.subject, "text": rendered.text, "html": rendered.html}


def run_follow_ups(ctx: CommunicationContext, now: datetime) -> dict[str, Any]:
    """Job `follow-ups`: follow-up calls, first-contact calls, calls still without a slot."""
    with UnitOfWork(ctx.session_factory) as uow:
        emails = call_jobs.due_email_ids(uow.session, now, ctx.call_rules)
        therapists = call_jobs.therapists_awaiting_first_call(uow.session)
        unslotted = call_jobs.unslotted_call_ids(uow.session)
    return {
        "follow_up": _each(ctx, now, call_jobs.follow_up_email, emails),
        "first_contact": _each(ctx, now, call_jobs.first_contact, therapists),
        "unslotted": _each(ctx, now, call_jobs.place_unslotted, unslotted),
    }


def _each(ctx: CommunicationContext, now: datetime, step: Any, keys: list[int]) -> dict[str, int]:
    """One transaction per e-mail / therapist / call; counts the outcomes."""
    counts: dict[str, int] = {}
    for key in keys:
        with UnitOfWork(ctx.session_factory) as uow:
            emit = functools.partial(publisher(ctx, now), uow.session)
            outcome = step(uow.session, key, now, ctx.call_rules, ctx.default_window, emit)
            uow.commit()
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def record_call_outcome(
    ctx: CommunicationContext, data: call_outcomes.OutcomeInput
) -> dict[str, Any]:
    """PUT /api/phone-calls/{id}/outcome: answers like POST /api/responses, or the next try."""
    now = ctx.clock.now()
    rules = call_outcomes.Rules(ctx.rules, ctx.call_rules, ctx.default_window)
    with UnitOfWork(ctx.session_factory) as uow:
        for event in call_outcomes.record(uow.session, data, now, rules):
            ctx.outbox.add(uow.session, event, occurred_at=now)
        try:
            uow.commit()
        except IntegrityError as exc:
            raise Conflict("The call or its answers were recorded concurrently.") from exc
    return get_call(ctx, data.call_id)


def get_call(ctx: CommunicationContext, call_id: int) -> dict[str, Any]:
    """One call with its patients, previous contacts and the therapist's phone."""
    slot_minutes = ctx.call_rules.slots.slot_minutes
    with UnitOfWork(ctx.session_factory) as uow:
        found = call_queries.find_call(uow.session, call_id, slot_minutes)
    if found is None:
        raise call_outcomes.CallNotFound(call_id)
    return call_queries.with_contacts([found], ctx.directory)[0]


def list_calls(
    ctx: CommunicationContext, filters: dict[str, Any], offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The call list (HTTP lookups of phone numbers happen after the transaction)."""
    slot_minutes = ctx.call_rules.slots.slot_minutes
    with UnitOfWork(ctx.session_factory) as uow:
        items, total = call_queries.list_calls(uow.session, filters, offset, limit, slot_minutes)
    return call_queries.with_contacts(items, ctx.directory), total
