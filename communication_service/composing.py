"""Composing drafts: resolve the recipient over HTTP, render, assign a Message-ID, queue.

HTTP calls happen outside any transaction; the result is written only if the draft did not
change meanwhile (same state, same carried requests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from communication_service import models as m
from communication_service import readmodels
from communication_service.clients import Directory, DirectoryUnavailable
from communication_service.domain import EmailState, RequestState, inquiry_template
from communication_service.rendering import Renderer, patient_context, therapist_context
from communication_service.withdrawals import cancel_email, carried_ids, void_ledger
from shared.events.communication import EmailQueued


@dataclass(frozen=True)
class Draft:
    """What composing needs of a draft, read in a short transaction."""

    row: dict[str, Any]
    request_ids: list[int]
    requests: list[dict[str, Any]]


@dataclass(frozen=True)
class Composed:
    """The outcome of composing one draft (outside the transaction)."""

    to_address: str | None
    template: str = ""
    subject: str = ""
    text: str = ""
    html: str = ""
    problem: str | None = None  # no_address | unknown_recipient | directory_unavailable


def due_drafts(session: Session, now: datetime, limit: int) -> list[Draft]:
    """Drafts whose (re)composition is due."""
    e = m.emails
    rows = (
        session.execute(
            select(e)
            .where(
                e.c.state == EmailState.DRAFT.value,
                (e.c.next_attempt_at.is_(None)) | (e.c.next_attempt_at <= now),
            )
            .order_by(e.c.id)
            .limit(limit)
        )
        .mappings()
        .all()
    )
    return [_draft(session, dict(row)) for row in rows]


def _draft(session: Session, row: dict[str, Any]) -> Draft:
    ids = carried_ids(session, row["id"])
    return Draft(row, ids, [dict(r) for r in readmodels.requests_by_id(session, ids)])


def compose(draft: Draft, directory: Directory, renderer: Renderer) -> Composed:
    """Fetch contact data and render (no database access here)."""
    try:
        if draft.row["recipient"] == "therapist":
            return _therapist_mail(draft, directory, renderer)
        return _patient_mail(draft, directory, renderer)
    except DirectoryUnavailable:
        return Composed(None, problem="directory_unavailable")


def _therapist_mail(draft: Draft, directory: Directory, renderer: Renderer) -> Composed:
    therapist = directory.therapist(draft.row["therapist_id"])
    if therapist is None or not therapist.get("email"):
        return Composed(None, problem="no_address" if therapist else "unknown_recipient")
    template = draft.row["template"]
    if draft.row["purpose"] == "outreach":
        template = inquiry_template(len(draft.requests))
    context = therapist_context(therapist, draft.requests, **draft.row["context"])
    rendered = renderer.render(template, context)
    return Composed(therapist["email"], template, rendered.subject, rendered.text, rendered.html)


def _patient_mail(draft: Draft, directory: Directory, renderer: Renderer) -> Composed:
    patient = directory.patient(draft.row["patient_id"])
    if patient is None or not patient.get("email"):
        return Composed(None, problem="no_address" if patient else "unknown_recipient")
    therapist = None
    if draft.row["context"].get("therapist_id"):
        therapist = directory.therapist(draft.row["context"]["therapist_id"])
    context = patient_context(patient, draft.row["patient_id"], therapist)
    rendered = renderer.render(draft.row["template"], context)
    return Composed(
        patient["email"], draft.row["template"], rendered.subject, rendered.text, rendered.html
    )


def store(
    session: Session,
    draft: Draft,
    composed: Composed,
    now: datetime,
    retry_s: float,
    message_id: Callable[[int], str],
    publish: Callable[[Session, EmailQueued], None],
) -> str:
    """Write the outcome if the draft is unchanged; returns queued | retry | dropped | stale."""
    email_id = draft.row["id"]
    current = session.execute(
        select(m.emails.c.state).where(m.emails.c.id == email_id).with_for_update()
    ).scalar()
    if current != EmailState.DRAFT.value or carried_ids(session, email_id) != draft.request_ids:
        return "stale"
    if composed.problem == "directory_unavailable":
        _later(session, email_id, now + timedelta(seconds=retry_s), composed.problem)
        return "retry"
    if composed.problem is not None:
        _undeliverable(session, draft, now, composed.problem)
        return "dropped"
    _queue(session, email_id, composed, now, message_id(email_id))
    publish(session, queued_event(draft, composed.template, now))
    return "queued"


def _later(session: Session, email_id: int, when: datetime, why: str) -> None:
    session.execute(
        update(m.emails)
        .where(m.emails.c.id == email_id)
        .values(next_attempt_at=when, last_error=why, updated_at=when)
    )


def _undeliverable(session: Session, draft: Draft, now: datetime, why: str) -> None:
    """No address: the e-mail is cancelled; an outreach's requests go to phone outreach."""
    cancel_email(session, draft.row["id"], now, why)
    if draft.row["purpose"] == "outreach":
        readmodels.set_request_state(session, draft.request_ids, RequestState.PHONE_PENDING, now)
        void_ledger(session, draft.row["id"], now)


def _queue(
    session: Session, email_id: int, composed: Composed, now: datetime, message_id: str
) -> None:
    session.execute(
        update(m.emails)
        .where(m.emails.c.id == email_id)
        .values(
            state=EmailState.QUEUED.value,
            template=composed.template,
            to_address=composed.to_address,
            subject=composed.subject,
            body_text=composed.text,
            body_html=composed.html,
            message_id=message_id,
            queued_at=now,
            next_attempt_at=now,
            last_error=None,
            updated_at=now,
        )
    )


def queued_event(draft: Draft, template: str, now: datetime) -> EmailQueued:
    """communication.email_queued (ids only)."""
    row = draft.row
    return EmailQueued(
        email_id=row["id"],
        purpose=row["purpose"],
        template=template,
        recipient=row["recipient"],
        therapist_id=row["therapist_id"],
        patient_id=row["patient_id"],
        placement_request_ids=draft.request_ids,
        queued_at=now,
    )
