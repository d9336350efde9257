"""The SMTP sender: due e-mails read a batch ahead, sent over one connection, one commit each.

Each e-mail is taken (queued → sending, committed) just before its data is handed to SMTP, in
the transaction that records the e-mail before it as sent; that commit runs in a second thread
while MAIL FROM, RCPT TO and DATA are exchanged, and only the data's final line waits for it.

A worker killed while an e-mail is `sending` leaves exactly that e-mail undecided: the server
may have stored it (killed after or while waiting for the final "250" to DATA) or discarded it
(killed earlier). After `sending_timeout_s` the next run reconciles it *at most once*: a
DeliveryProbe may say whether the SMTP side holds the pre-generated Message-ID (True → sent,
confirmed; False → queued again, safe to resend); plain SMTP cannot be asked, so production
answers "unknown" → `sent` with delivery_confirmed=false, visible to staff, never resent. So a
crash never sends a duplicate; at worst the one e-mail in flight was not delivered. An
unconfirmed outreach still gets its follow-up call after FOLLOW_UP_AFTER_DAYS, so no patient is
lost. Due e-mails are read a batch ahead but taken (queued → sending) one at a time, each in
the commit that records the previous one as sent, so no other e-mail is undecided.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from communication_service.clients.smtp import (
    DeliveryError,
    DeliveryProbe,
    SmtpSession,
    build_message,
)
from communication_service.context import CommunicationContext
from communication_service.domain.emails import (
    OUTREACH,
    EmailState,
    RetryRules,
    after_failed_attempt,
    reconcile_sending,
)
from communication_service.domain.requests import RequestState, is_open
from communication_service.services.composing import compose_drafts
from communication_service.store import events
from communication_service.store.unit_of_work import CommunicationUnitOfWork
from shared.vocabulary import AttentionReason


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
    with ctx.unit_of_work() as uow:
        for row in uow.deliveries.stale_sending(older_than, ctx.batch_size):
            outcome = reconcile(uow, row, ctx.probe, now)
            counts[outcome] = counts.get(outcome, 0) + 1
        uow.commit()
    return counts


def reconcile(
    uow: CommunicationUnitOfWork, row: dict[str, Any], probe: DeliveryProbe, now: datetime
) -> str:
    """Never a second copy unless the SMTP side is known not to have the Message-ID."""
    answer = reconcile_sending(probe.accepted(row["message_id"]))
    if answer.state is EmailState.QUEUED:
        uow.deliveries.send_again(row["id"], answer.note, now)
        return "requeued"
    mark_sent(uow, row["id"], now, confirmed=bool(answer.delivery_confirmed))
    uow.deliveries.note(row["id"], answer.note)
    return "sent_confirmed" if answer.delivery_confirmed else "sent_unconfirmed"


def deliver_queued(ctx: CommunicationContext, now: datetime) -> dict[str, int]:
    """Deliver due e-mails, each taken (`sending`, committed) just before it goes to SMTP:
    a worker killed mid-run leaves only the e-mail in flight undecided (see above)."""
    counts: dict[str, int] = {}
    while _deliver_batch(ctx, now, counts) == ctx.batch_size:
        pass
    return counts


def _deliver_batch(ctx: CommunicationContext, now: datetime, counts: dict[str, int]) -> int:
    """Up to `batch_size` due e-mails, read in one query, over one SMTP connection (servers
    limit messages per connection) and one database connection."""
    with ctx.engine.connect() as connection, ctx.session_factory(bind=connection) as session:
        with ctx.unit_of_work_on(session) as uow:
            rows = uow.deliveries.due_queued(now, ctx.batch_size)
            carried = uow.emails.carried_ids_of([row["id"] for row in rows]) if rows else {}
        session.commit()
        if not rows:
            return 0  # nothing due: no SMTP connection at all
        with ctx.mailer.session() as smtp, ThreadPoolExecutor(1, "send-db") as database:
            batch = _Batch(ctx, _Connections(session, smtp, database), now, counts, carried)
            for row in rows:
                batch.deliver(row)
            batch.finish()
    return len(rows)


@dataclass(frozen=True)
class _Connections:
    """A batch's database session, SMTP session, and the thread that runs its commits while
    the SMTP conversation goes on (the session is only ever used by one thread at a time)."""

    session: Session
    smtp: SmtpSession
    database: ThreadPoolExecutor


class _Batch:
    """Sends read-ahead e-mails one by one. An e-mail is taken (queued → sending) in the same
    transaction that records the one before it as sent, so whenever an e-mail is handed to SMTP
    every earlier one is `sent`, every later one still `queued`: one commit per e-mail, run
    while MAIL FROM, RCPT TO and DATA are exchanged (nothing is delivered before the data's
    final line, which waits for the commit)."""

    def __init__(
        self,
        ctx: CommunicationContext,
        connections: _Connections,
        now: datetime,
        counts: dict[str, int],
        carried: dict[int, list[int]],
    ) -> None:
        self._ctx, self._session, self._smtp = ctx, connections.session, connections.smtp
        self._database = connections.database
        self._now, self._counts, self._carried = now, counts, carried
        self._delivered: int | None = None  # SMTP took it, `sent` not yet recorded

    def deliver(self, row: dict[str, Any]) -> None:
        """Take the e-mail (skipped if another sender or a withdrawal got it first), send it."""
        taking = self._database.submit(self._take, row)
        try:
            data = self._smtp.start(build_message(self._ctx.smtp, row))
        except DeliveryError as exc:
            if taking.result():
                self._failed(row["id"], exc)
            return
        if not self._taken(taking):
            return
        try:
            self._smtp.finish(data)
        except DeliveryError as exc:
            self._failed(row["id"], exc)
            return
        self._delivered = row["id"]

    def _taken(self, taking: Future[bool]) -> bool:
        """The take's answer; without a take (or if it failed) the message begun is dropped: the
        connection is closed before the data's final line."""
        try:
            taken = taking.result()
        except BaseException:
            self._smtp.abandon()
            raise
        if not taken:
            self._smtp.abandon()
        return taken

    def _take(self, row: dict[str, Any]) -> bool:
        with self._transaction() as uow:
            self._record_delivered(uow)
            return uow.deliveries.take(row["id"], row["message_id"], self._now)

    def finish(self) -> None:
        """Record the last delivered e-mail of the batch."""
        if self._delivered is not None:
            with self._transaction() as uow:
                self._record_delivered(uow)

    def _record_delivered(self, uow: CommunicationUnitOfWork) -> None:
        if self._delivered is not None:
            mark_sent(uow, self._delivered, self._now, carried=self._carried[self._delivered])
            self._delivered = None
            self._count("sent")

    def _failed(self, email_id: int, exc: DeliveryError) -> None:
        with self._transaction() as uow:
            rules = self._ctx.retry_rules
            outcome = mark_failed_attempt(uow, email_id, exc.code, exc.permanent, self._now, rules)
        self._count(outcome)

    def _count(self, outcome: str) -> None:
        self._counts[outcome] = self._counts.get(outcome, 0) + 1

    @contextmanager
    def _transaction(self) -> Iterator[CommunicationUnitOfWork]:
        """One transaction on the batch's connection, committed unless the block raises."""
        try:
            with self._ctx.unit_of_work_on(self._session) as uow:
                yield uow
            self._session.commit()
        except BaseException:
            self._session.rollback()
            raise


def mark_sent(
    uow: CommunicationUnitOfWork,
    email_id: int,
    now: datetime,
    confirmed: bool = True,
    carried: list[int] | None = None,
) -> bool:
    """Record the delivery, the ledger contact and (outreach) communication.email_sent;
    `carried`: the requests the e-mail carries, if already read (they change only with a new
    composition, which a taken e-mail no longer gets)."""
    row = uow.deliveries.mark_sent(email_id, now, confirmed)
    if row is None:
        return False
    uow.ledger.record_email_sent(row, now)
    ids = carried if carried is not None else uow.emails.carried_ids(email_id)
    if row["purpose"] == OUTREACH and ids:
        uow.events.add(events.email_sent(email_id, row["therapist_id"], ids, now), now)
    return True


def mark_failed_attempt(
    uow: CommunicationUnitOfWork,
    email_id: int,
    code: str,
    permanent: bool,
    now: datetime,
    rules: RetryRules,
) -> str:
    """Back to queued with backoff, or failed for good (visible; the ledger window released)."""
    row = uow.deliveries.lock_sending(email_id)
    if row is None:
        return "gone"
    attempts = row["attempts"] + 1
    outcome = after_failed_attempt(attempts, now, rules, permanent)
    state = EmailState.FAILED if outcome.give_up else EmailState.QUEUED
    uow.deliveries.mark_failed_attempt(
        email_id, state, attempts, outcome.next_attempt_at, code, now
    )
    if outcome.give_up:
        uow.ledger.void_email(email_id, now)
        request_ids = uow.emails.carried_ids(email_id)
        released = _move_on(uow, row, request_ids, now) if row["purpose"] == OUTREACH else []
        failed = events.email_failed(row, request_ids, attempts, code, now, released)
        uow.events.add(failed, now)
    return state.value


def _move_on(
    uow: CommunicationUnitOfWork, row: Any, request_ids: list[int], now: datetime
) -> list[int]:
    """A failed outreach strands nobody: its open requests go to the phone path (a first-contact
    call), or without a phone number are released for matching to replace; staff see it.
    Returns the released requests."""
    still = [
        r["placement_request_id"] for r in uow.requests.by_id(request_ids) if is_open(r["state"])
    ]
    therapist = uow.therapists.row(row["therapist_id"])
    uow.attention.add(
        AttentionReason.EMAIL_FAILED.value,
        now,
        therapist_id=row["therapist_id"],
        email_id=row["id"],
    )
    if therapist is not None and therapist["has_phone"]:
        uow.requests.set_state(still, RequestState.PHONE_PENDING, now)
        return []
    uow.requests.set_state(still, RequestState.CANCELLED, now, "email_failed")
    return still
