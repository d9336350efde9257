"""The contact ledger: every e-mail, call attempt and answer per therapist; outreach rows hold
the 7-day window that the database's exclusion constraint and cooling trigger guard."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from communication_service.domain.calls import LEDGER_KIND, CallPurpose
from communication_service.domain.emails import OUTREACH
from communication_service.domain.outreach import OutreachRules
from communication_service.models import contact_ledger, therapists

log = logging.getLogger(__name__)
LEDGER = contact_ledger.c
# An outreach of either channel: an e-mail's window, or an attempt of a first-contact call
# (a follow-up call belongs to its e-mail's outreach and opens no window of its own).
LIVE_OUTREACH = (
    LEDGER.kind == "outreach",
    LEDGER.voided_at.is_(None),
)


class ContactLedger:
    """Ledger rows of e-mails, calls and answers, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def reserve_outreach(
        self, therapist: Any, email_id: int, now: datetime, rules: OutreachRules
    ) -> None:
        """The row whose window the exclusion constraint keeps apart (7-day rule)."""
        practice = therapist["practice_id"]
        self._session.execute(
            insert(contact_ledger).values(
                therapist_id=therapist["therapist_id"],
                practice_id=practice,
                limit_practice_id=practice if rules.per_practice else None,
                channel="email",
                kind="outreach",
                email_id=email_id,
                blocks_from=now,
                blocks_until=now + rules.email_gap,
                created_at=now,
            )
        )

    def last_outreach_at(self, therapist_id: int, practice_id: int | None) -> Any:
        """Start of the latest live outreach of the therapist (or of the practice: rows kept
        for it, and rows of every therapist now in it, so a merge never leaves them out), by
        e-mail or by a first-contact call (its latest attempt's slot)."""
        who = LEDGER.therapist_id == therapist_id
        if practice_id is not None:
            members = select(therapists.c.therapist_id).where(
                therapists.c.practice_id == practice_id
            )
            who = (
                who
                | (LEDGER.limit_practice_id == practice_id)
                | (LEDGER.practice_id == practice_id)
                | LEDGER.therapist_id.in_(members)
            )
        query = select(func.max(LEDGER.blocks_from)).where(who, *LIVE_OUTREACH)
        return self._session.execute(query).scalar()

    def void_email(self, email_id: int, now: datetime) -> None:
        """The e-mail never went out: its outreach window no longer counts."""
        self._session.execute(
            update(contact_ledger)
            .where(LEDGER.email_id == email_id, LEDGER.voided_at.is_(None))
            .values(voided_at=now)
        )

    def record_email_sent(self, email: Any, now: datetime) -> None:
        """A therapist e-mail went out: the outreach row took place, any other is added."""
        if email["recipient"] != "therapist":
            return
        if email["purpose"] == OUTREACH:
            self._session.execute(
                update(contact_ledger)
                .where(LEDGER.email_id == email["id"], LEDGER.voided_at.is_(None))
                .values(occurred_at=now)
            )
            self._window_from_send(email["id"], now)
            return
        self._session.execute(
            insert(contact_ledger).values(
                therapist_id=email["therapist_id"],
                channel="email",
                kind=email["purpose"],
                email_id=email["id"],
                occurred_at=now,
                created_at=now,
            )
        )

    def _window_from_send(self, email_id: int, sent_at: datetime) -> None:
        """An outreach e-mail that went out after its window was reserved (a draft taken by a
        later send-emails run, a retry after an SMTP failure) counts its 7 days from the
        send: what the practice receives is at least 7 days apart. Best effort: where the
        moved window would meet another live window or a cooling period, the database
        refuses the move and the reserved window stays (the send is recorded either way)."""
        length = LEDGER.blocks_until - LEDGER.blocks_from
        move = (
            update(contact_ledger)
            .where(
                LEDGER.email_id == email_id,
                LEDGER.kind == "outreach",
                LEDGER.voided_at.is_(None),
                LEDGER.blocks_from < sent_at,
            )
            .values(
                blocks_from=sent_at,
                blocks_until=literal(sent_at, DateTime(timezone=True)) + length,
            )
        )
        try:
            with self._session.begin_nested():
                self._session.execute(move)
        except IntegrityError as exc:
            log.info("e-mail %s: its outreach window stays as reserved (%s)", email_id, exc.orig)

    def call_attempt(
        self,
        call_id: int,
        therapist: Any,
        purpose: CallPurpose,
        slot_start: datetime,
        slot: timedelta,
        now: datetime,
        occurred_at: datetime | None = None,
    ) -> None:
        """One row per attempt (its slot blocks; `occurred_at` once it took place)."""
        self._session.execute(
            insert(contact_ledger).values(
                therapist_id=therapist["therapist_id"],
                practice_id=therapist["practice_id"],
                channel="phone",
                kind=LEDGER_KIND[purpose],
                call_id=call_id,
                blocks_from=slot_start,
                blocks_until=slot_start + slot,
                occurred_at=occurred_at,
                created_at=now,
            )
        )

    def mark_call_attempt_made(self, call_id: int, now: datetime) -> bool:
        """The call's pending attempt took place now; False when it has no pending row."""
        done = self._session.execute(
            update(contact_ledger)
            .where(
                LEDGER.call_id == call_id, LEDGER.occurred_at.is_(None), LEDGER.voided_at.is_(None)
            )
            .values(occurred_at=now)
            .returning(LEDGER.id)
        ).first()
        return done is not None

    def void_call(self, call_id: int, now: datetime) -> None:
        """A call that will not happen: its unused rows no longer count."""
        self._session.execute(
            update(contact_ledger)
            .where(
                LEDGER.call_id == call_id, LEDGER.occurred_at.is_(None), LEDGER.voided_at.is_(None)
            )
            .values(voided_at=now)
        )

    def record_response(
        self, therapist_id: int, channel: str, response_id: int, now: datetime
    ) -> None:
        """The therapist answered (by e-mail, phone or letter)."""
        self._session.execute(
            insert(contact_ledger).values(
                therapist_id=therapist_id,
                channel=channel,
                kind="response",
                response_id=response_id,
                occurred_at=now,
                created_at=now,
            )
        )
