"""E-mail delivery states: drafts due, queued, taken for SMTP one at a time, sent, failed, stale.

Due drafts and queueing a composed e-mail; due queued e-mails read ahead and taken one at a
time for SMTP (queued → sending); recording the send or the failed attempt; e-mails left in
`sending`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from communication_service.domain.emails import Composed, EmailState
from communication_service.models import emails

EMAILS = emails.c
# What recording a send needs (not the bodies: RETURNING them would read them back).
SENT_COLUMNS = (EMAILS.id, EMAILS.purpose, EMAILS.recipient, EMAILS.therapist_id, EMAILS.attempts)

# The two statements of every e-mail sent, built once (they run on the sender's critical path).
TAKE = (
    update(emails)
    .where(
        EMAILS.id == bindparam("b_email_id"),
        EMAILS.state == EmailState.QUEUED.value,
        EMAILS.message_id == bindparam("b_message_id"),
        EMAILS.next_attempt_at <= bindparam("b_now"),
    )
    .values(
        state=EmailState.SENDING.value,
        sending_since=bindparam("b_now"),
        updated_at=bindparam("b_now"),
    )
    .returning(EMAILS.id)
)
MARK_SENT = (
    update(emails)
    .where(EMAILS.id == bindparam("b_email_id"), EMAILS.state == EmailState.SENDING.value)
    .values(
        state=EmailState.SENT.value,
        sent_at=bindparam("b_now"),
        attempts=EMAILS.attempts + 1,
        delivery_confirmed=bindparam("b_confirmed"),
        next_attempt_at=None,
        updated_at=bindparam("b_now"),
    )
    .returning(*SENT_COLUMNS)
)


class Deliveries:
    """The delivery columns of e-mails, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def due_drafts(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        """Drafts whose (re)composition is due, oldest first."""
        rows = self._session.execute(
            select(emails)
            .where(
                EMAILS.state == EmailState.DRAFT.value,
                (EMAILS.next_attempt_at.is_(None)) | (EMAILS.next_attempt_at <= now),
            )
            .order_by(EMAILS.id)
            .limit(limit)
        ).mappings()
        return [dict(row) for row in rows.all()]

    def lock_states(self, email_ids: list[int]) -> dict[int, str]:
        """The e-mails' states, locked (in id order) until the transaction ends."""
        query = (
            select(EMAILS.id, EMAILS.state)
            .where(EMAILS.id.in_(email_ids))
            .order_by(EMAILS.id)
            .with_for_update()
        )
        return {email_id: state for email_id, state in self._session.execute(query)}

    def postpone(self, email_id: int, when: datetime, why: str) -> None:
        """Compose again at `when` (the contact data could not be fetched)."""
        self._session.execute(
            update(emails)
            .where(EMAILS.id == email_id)
            .values(next_attempt_at=when, last_error=why, updated_at=when)
        )

    def queue(self, email_id: int, composed: Composed, now: datetime, message_id: str) -> None:
        """The rendered e-mail waits for the sender, with its pre-generated Message-ID."""
        self._session.execute(
            update(emails)
            .where(EMAILS.id == email_id)
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

    def due_queued(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        """Queued e-mails that are due, in sending order, read ahead (not yet taken)."""
        rows = self._session.execute(
            select(emails)
            .where(EMAILS.state == EmailState.QUEUED.value, EMAILS.next_attempt_at <= now)
            .order_by(EMAILS.next_attempt_at, EMAILS.id)
            .limit(limit)
        ).mappings()
        return [dict(row) for row in rows.all()]

    def take(self, email_id: int, message_id: str, now: datetime) -> bool:
        """queued → sending, if the e-mail is still queued, due and composed as read (same
        Message-ID: a re-composed e-mail has a new one): one sender wins the row."""
        params = {"b_email_id": email_id, "b_message_id": message_id, "b_now": now}
        return self._session.execute(TAKE, params).scalar() is not None

    def lock_sending(self, email_id: int) -> Any:
        """The e-mail if it is still `sending`, locked; None otherwise."""
        query = select(emails).where(EMAILS.id == email_id, EMAILS.state == "sending")
        return self._session.execute(query.with_for_update()).mappings().first()

    def mark_sent(self, email_id: int, now: datetime, confirmed: bool) -> Any:
        """The SMTP server took the e-mail (`confirmed`: known for sure): the row as now stored,
        or None if it was no longer `sending` (one statement: no separate lock)."""
        params = {"b_email_id": email_id, "b_now": now, "b_confirmed": confirmed}
        return self._session.execute(MARK_SENT, params).mappings().first()

    def mark_failed_attempt(
        self,
        email_id: int,
        state: EmailState,
        attempts: int,
        next_attempt_at: datetime | None,
        code: str,
        now: datetime,
    ) -> None:
        """Back to queued for the next attempt, or failed for good (`state`)."""
        self._session.execute(
            update(emails)
            .where(EMAILS.id == email_id)
            .values(
                state=state.value,
                attempts=attempts,
                next_attempt_at=next_attempt_at,
                last_error=code,
                failed_at=now if state is EmailState.FAILED else None,
                updated_at=now,
            )
        )

    def stale_sending(self, older_than: datetime, limit: int) -> list[dict[str, Any]]:
        """E-mails left in `sending` by a worker that stopped mid-delivery."""
        rows = self._session.execute(
            select(emails)
            .where(EMAILS.state == EmailState.SENDING.value, EMAILS.sending_since < older_than)
            .order_by(EMAILS.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [dict(row) for row in rows.mappings()]

    def send_again(self, email_id: int, note: str, now: datetime) -> None:
        """The SMTP side is known not to have it: queued again at once."""
        self._session.execute(
            update(emails)
            .where(EMAILS.id == email_id)
            .values(
                state=EmailState.QUEUED.value, next_attempt_at=now, last_error=note, updated_at=now
            )
        )

    def note(self, email_id: int, note: str) -> None:
        """Why the e-mail is in its state (shown to staff as `last_error`)."""
        self._session.execute(update(emails).where(EMAILS.id == email_id).values(last_error=note))
