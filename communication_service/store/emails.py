"""E-mails and the requests they carry: drafts, joining, withdrawals, cancellation, requeue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.orm import Session

from communication_service.domain.emails import OUTREACH, UNSENT, EmailState, recipient_of
from communication_service.models import email_requests, emails

EMAILS = emails.c
EMAIL_REQUESTS = email_requests.c
UNSENT_STATES = [state.value for state in UNSENT]


class Emails:
    """The e-mail rows and their carried requests, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def create(
        self,
        purpose: str,
        template: str,
        now: datetime,
        therapist_id: int | None = None,
        patient_id: int | None = None,
        context: dict[str, Any] | None = None,
    ) -> int:
        """A draft e-mail (composed and queued later by the sender job)."""
        statement = (
            insert(emails)
            .values(
                purpose=purpose,
                template=template,
                recipient=recipient_of(purpose),
                therapist_id=therapist_id,
                patient_id=patient_id,
                state=EmailState.DRAFT.value,
                context=context or {},
                attempts=0,
                created_at=now,
                updated_at=now,
            )
            .returning(EMAILS.id)
        )
        return int(self._session.execute(statement).scalar_one())

    def row(self, email_id: int, lock: bool = False) -> Any:
        """One e-mail row, or None."""
        query = select(emails).where(EMAILS.id == email_id)
        if lock:
            query = query.with_for_update()
        return self._session.execute(query).mappings().first()

    def therapists_of(self, email_ids: list[int]) -> dict[int, int]:
        """The therapist each e-mail is addressed to (or about), for many e-mails at once."""
        if not email_ids:
            return {}
        query = select(EMAILS.id, EMAILS.therapist_id).where(
            EMAILS.id.in_(email_ids), EMAILS.therapist_id.is_not(None)
        )
        return {email_id: therapist for email_id, therapist in self._session.execute(query)}

    def therapist_of(self, email_id: int) -> int:
        """The therapist an e-mail is addressed to (or about)."""
        query = select(EMAILS.therapist_id).where(EMAILS.id == email_id)
        return int(self._session.execute(query).scalar_one())

    def add_requests(self, email_id: int, ids: list[int]) -> int:
        """Requests join an e-mail after those already in it; returns how many it carries."""
        count = select(func.count()).where(EMAIL_REQUESTS.email_id == email_id)
        start = self._session.execute(count).scalar_one()
        for position, request_id in enumerate(ids, start=start):
            self._session.execute(
                insert(email_requests).values(
                    email_id=email_id,
                    placement_request_id=request_id,
                    purpose=OUTREACH,
                    position=position,
                )
            )
        return int(start) + len(ids)

    def set_template(self, email_id: int, template: str, now: datetime) -> None:
        """The inquiry template follows the number of patients carried."""
        self._session.execute(
            update(emails).where(EMAILS.id == email_id).values(template=template, updated_at=now)
        )

    def carried_ids(self, email_id: int) -> list[int]:
        """The requests an e-mail carries, in their order."""
        query = select(EMAIL_REQUESTS.placement_request_id).where(
            EMAIL_REQUESTS.email_id == email_id
        )
        return list(self._session.execute(query.order_by(EMAIL_REQUESTS.position)).scalars())

    def carried_ids_of(self, email_ids: list[int]) -> dict[int, list[int]]:
        """The requests each of the e-mails carries, in their order (one query)."""
        query = (
            select(EMAIL_REQUESTS.email_id, EMAIL_REQUESTS.placement_request_id)
            .where(EMAIL_REQUESTS.email_id.in_(email_ids))
            .order_by(EMAIL_REQUESTS.email_id, EMAIL_REQUESTS.position)
        )
        carried: dict[int, list[int]] = {email_id: [] for email_id in email_ids}
        for email_id, request_id in self._session.execute(query):
            carried[email_id].append(request_id)
        return carried

    def unsent_carrying(self, ids: list[int]) -> list[Any]:
        """Unsent e-mails that carry any of the requests as outreach, locked, by id."""
        if not ids:
            return []
        carrying = select(EMAIL_REQUESTS.email_id).where(
            EMAIL_REQUESTS.placement_request_id.in_(ids), EMAIL_REQUESTS.purpose == OUTREACH
        )
        query = select(emails).where(EMAILS.id.in_(carrying), EMAILS.state.in_(UNSENT_STATES))
        return list(self._session.execute(query.order_by(EMAILS.id).with_for_update()).mappings())

    def remove_requests(self, email_id: int, ids: list[int]) -> None:
        """The requests leave the e-mail."""
        self._session.execute(
            delete(email_requests).where(
                EMAIL_REQUESTS.email_id == email_id, EMAIL_REQUESTS.placement_request_id.in_(ids)
            )
        )

    def remove_all_requests(self, email_id: int) -> None:
        """Every request leaves the e-mail."""
        self._session.execute(delete(email_requests).where(EMAIL_REQUESTS.email_id == email_id))

    def cancel(self, email_id: int, now: datetime, why: str) -> None:
        """An unsent e-mail is not sent (its ledger window is released by the caller)."""
        self._session.execute(
            update(emails)
            .where(EMAILS.id == email_id)
            .values(
                state=EmailState.CANCELLED.value, cancelled_at=now, updated_at=now, last_error=why
            )
        )

    def back_to_draft(self, email_id: int, now: datetime) -> None:
        """Its content changed: composed again (new rendering, new Message-ID) before sending."""
        self._session.execute(
            update(emails)
            .where(EMAILS.id == email_id)
            .values(
                state=EmailState.DRAFT.value,
                subject=None,
                body_text=None,
                body_html=None,
                message_id=None,
                to_address=None,
                queued_at=None,
                next_attempt_at=None,
                updated_at=now,
            )
        )

    def requeue(self, email_id: int, now: datetime) -> None:
        """A failed e-mail is queued again with fresh attempts."""
        self._session.execute(
            update(emails)
            .where(EMAILS.id == email_id)
            .values(
                state=EmailState.QUEUED.value,
                attempts=0,
                next_attempt_at=now,
                failed_at=None,
                last_error=None,
                updated_at=now,
            )
        )

    def unsent_outreach_of(self, therapist_id: int) -> list[int]:
        """The therapist's unsent outreach e-mails, locked."""
        query = select(EMAILS.id).where(
            EMAILS.therapist_id == therapist_id,
            EMAILS.purpose == OUTREACH,
            EMAILS.state.in_(UNSENT_STATES),
        )
        return list(self._session.execute(query.with_for_update()).scalars().all())

    def open_draft(self, therapist_id: int) -> tuple[int | None, int]:
        """The therapist's oldest outreach draft (locked) and how many requests it carries."""
        size = select(func.count()).where(EMAIL_REQUESTS.email_id == EMAILS.id).scalar_subquery()
        row = self._session.execute(
            select(EMAILS.id, size)
            .where(
                EMAILS.therapist_id == therapist_id,
                EMAILS.purpose == OUTREACH,
                EMAILS.state == EmailState.DRAFT.value,
            )
            .order_by(EMAILS.id)
            .limit(1)
            .with_for_update(of=emails)
        ).first()
        return (row[0], row[1]) if row else (None, 0)

    def outreach_in_flight(self, therapist_id: int) -> bool:
        """An outreach e-mail of the therapist is queued or being sent (its content is fixed)."""
        in_flight = exists().where(
            EMAILS.therapist_id == therapist_id,
            EMAILS.purpose == OUTREACH,
            EMAILS.state.in_([EmailState.QUEUED.value, EmailState.SENDING.value]),
        )
        return bool(self._session.execute(select(in_flight)).scalar())

    def place_taken_for(self, placement_request_id: int) -> bool:
        """A "place is gone" e-mail about this request exists already."""
        found = exists().where(
            EMAILS.purpose == "place_taken",
            EMAILS.context["placement_request_id"].as_integer() == placement_request_id,
        )
        return bool(self._session.execute(select(found)).scalar())
