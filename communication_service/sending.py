"""The SMTP sender: claim one queued e-mail (SKIP LOCKED), commit `sending` with its
Message-ID, deliver, then record the result in a second transaction.

A worker killed while an e-mail is `sending` leaves exactly that e-mail undecided: the server
may have stored it (killed after or while waiting for the final "250" to DATA) or discarded it
(killed earlier). After `sending_timeout_s` the next run reconciles it *at most once*: a
DeliveryProbe may say whether the SMTP side holds the pre-generated Message-ID (True → sent,
confirmed; False → queued again, safe to resend); plain SMTP cannot be asked, so production
answers "unknown" → `sent` with delivery_confirmed=false, visible to staff, never resent. So a
crash never sends a duplicate; at worst the one e-mail in flight was not delivered. An
unconfirmed outreach still gets its follow-up call after FOLLOW_UP_AFTER_DAYS, so no patient is
lost. E-mails are claimed one at a time, never a batch ahead, so no other e-mail is undecided.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from communication_service import models as m
from communication_service.domain import EmailState, RetryRules, after_failed_attempt
from communication_service.domain import reconcile_sending as decide_reconciliation
from communication_service.withdrawals import carried_ids, void_ledger
from shared.events.communication import EmailFailed, EmailSent
from shared.events.envelope import DomainEvent

Publish = Callable[[Session, DomainEvent], None]


class DeliveryProbe(Protocol):
    """Asks the SMTP side whether it accepted a Message-ID (True/False), or None: unknown."""

    def accepted(self, message_id: str) -> bool | None: ...


class UnknownDelivery:
    """Production default: plain SMTP cannot be asked, so the answer is always unknown."""

    def accepted(self, message_id: str) -> bool | None:
        return None


def claim(session: Session, now: datetime, limit: int) -> list[dict[str, Any]]:
    """Queued e-mails that are due, locked without waiting for other senders, marked sending."""
    e = m.emails
    rows = (
        session.execute(
            select(e)
            .where(e.c.state == EmailState.QUEUED.value, e.c.next_attempt_at <= now)
            .order_by(e.c.next_attempt_at, e.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        .mappings()
        .all()
    )
    ids = [row["id"] for row in rows]
    if ids:
        session.execute(
            update(e)
            .where(e.c.id.in_(ids))
            .values(state=EmailState.SENDING.value, sending_since=now, updated_at=now)
        )
    return [dict(row) for row in rows]


def _locked_sending(session: Session, email_id: int) -> Any:
    e = m.emails
    return (
        session.execute(
            select(e).where(e.c.id == email_id, e.c.state == "sending").with_for_update()
        )
        .mappings()
        .first()
    )


def mark_sent(
    session: Session, email_id: int, now: datetime, publish: Publish, confirmed: bool = True
) -> bool:
    """Record the delivery, the ledger contact and (outreach) communication.email_sent."""
    row = _locked_sending(session, email_id)
    if row is None:
        return False
    session.execute(
        update(m.emails)
        .where(m.emails.c.id == email_id)
        .values(
            state=EmailState.SENT.value,
            sent_at=now,
            attempts=row["attempts"] + 1,
            delivery_confirmed=confirmed,
            next_attempt_at=None,
            updated_at=now,
        )
    )
    _record_contact(session, row, now)
    ids = carried_ids(session, email_id)
    if row["purpose"] == "outreach" and ids:
        publish(
            session,
            EmailSent(
                email_id=email_id,
                therapist_id=row["therapist_id"],
                placement_request_ids=ids,
                sent_at=now,
            ),
        )
    return True


def _record_contact(session: Session, row: Any, now: datetime) -> None:
    if row["recipient"] != "therapist":
        return
    c = m.contact_ledger
    if row["purpose"] == "outreach":
        session.execute(
            update(c)
            .where(c.c.email_id == row["id"], c.c.voided_at.is_(None))
            .values(occurred_at=now)
        )
        return
    session.execute(
        insert(c).values(
            therapist_id=row["therapist_id"],
            channel="email",
            kind=row["purpose"],
            email_id=row["id"],
            occurred_at=now,
            created_at=now,
        )
    )


def mark_failed_attempt(
    session: Session,
    email_id: int,
    code: str,
    permanent: bool,
    now: datetime,
    rules: RetryRules,
    publish: Publish,
) -> str:
    """Back to queued with backoff, or failed for good (visible; the ledger window released)."""
    row = _locked_sending(session, email_id)
    if row is None:
        return "gone"
    attempts = row["attempts"] + 1
    outcome = after_failed_attempt(attempts, now, rules, permanent)
    state = EmailState.FAILED if outcome.give_up else EmailState.QUEUED
    session.execute(
        update(m.emails)
        .where(m.emails.c.id == email_id)
        .values(
            state=state.value,
            attempts=attempts,
            next_attempt_at=outcome.next_attempt_at,
            last_error=code,
            failed_at=now if outcome.give_up else None,
            updated_at=now,
        )
    )
    if outcome.give_up:
        void_ledger(session, email_id, now)
        publish(session, failed_event(row, carried_ids(session, email_id), attempts, code, now))
    return state.value


def failed_event(row: Any, ids: list[int], attempts: int, code: str, now: datetime) -> EmailFailed:
    """communication.email_failed (ids and an error code only)."""
    return EmailFailed(
        email_id=row["id"],
        purpose=row["purpose"],
        template=row["template"],
        recipient=row["recipient"],
        therapist_id=row["therapist_id"],
        patient_id=row["patient_id"],
        placement_request_ids=ids,
        attempts=attempts,
        error=code,
        failed_at=now,
    )


def stale_sending(session: Session, older_than: datetime, limit: int) -> list[dict[str, Any]]:
    """E-mails left in `sending` by a worker that stopped mid-delivery."""
    e = m.emails
    rows = session.execute(
        select(e)
        .where(e.c.state == EmailState.SENDING.value, e.c.sending_since < older_than)
        .order_by(e.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [dict(row) for row in rows.mappings()]


def reconcile(
    session: Session, row: dict[str, Any], probe: DeliveryProbe, now: datetime, publish: Publish
) -> str:
    """Never a second copy unless the SMTP side is known not to have the Message-ID."""
    answer = decide_reconciliation(probe.accepted(row["message_id"]))
    if answer.state is EmailState.QUEUED:
        session.execute(
            update(m.emails)
            .where(m.emails.c.id == row["id"])
            .values(
                state=EmailState.QUEUED.value,
                next_attempt_at=now,
                last_error=answer.note,
                updated_at=now,
            )
        )
        return "requeued"
    mark_sent(session, row["id"], now, publish, confirmed=bool(answer.delivery_confirmed))
    session.execute(
        update(m.emails).where(m.emails.c.id == row["id"]).values(last_error=answer.note)
    )
    return "sent_confirmed" if answer.delivery_confirmed else "sent_unconfirmed"
