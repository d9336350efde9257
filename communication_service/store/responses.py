"""Therapists' answers: which requests were put to them, the answer and one outcome per request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from communication_service.domain.requests import RequestState
from communication_service.domain.responses import ResponseInput
from communication_service.models import (
    email_requests,
    emails,
    outreach_requests,
    response_outcomes,
    responses,
)
from shared.events.communication import ResponseOutcomeItem

EMAILS, EMAIL_REQUESTS = emails.c, email_requests.c
REQUESTS, OUTCOMES = outreach_requests.c, response_outcomes.c


class Responses:
    """Answers and their outcomes, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def contacted_ids(self, therapist_id: int, channel: str) -> set[int]:
        """Requests of this therapist in a sent e-mail, or (phone) pending phone outreach."""
        sent = (
            select(EMAIL_REQUESTS.placement_request_id)
            .join(emails, EMAILS.id == EMAIL_REQUESTS.email_id)
            .where(EMAILS.therapist_id == therapist_id, EMAILS.state == "sent")
        )
        ids = set(self._session.execute(sent).scalars())
        if channel == "phone":
            pending = select(REQUESTS.placement_request_id).where(
                REQUESTS.therapist_id == therapist_id,
                REQUESTS.state == RequestState.PHONE_PENDING.value,
            )
            ids |= set(self._session.execute(pending).scalars())
        return ids

    def answered_among(self, ids: list[int]) -> list[int]:
        """Those of the requests that already have an answer (sorted)."""
        query = select(OUTCOMES.placement_request_id).where(OUTCOMES.placement_request_id.in_(ids))
        return sorted(self._session.execute(query).scalars())

    def insert(self, data: ResponseInput, now: datetime) -> int:
        """The answer itself (who recorded it, when, the note); returns its id."""
        statement = (
            insert(responses)
            .values(
                therapist_id=data.therapist_id,
                channel=data.channel,
                note=data.note,
                recorded_by=data.actor,
                recorded_at=now,
            )
            .returning(responses.c.id)
        )
        return int(self._session.execute(statement).scalar_one())

    def add_outcome(self, response_id: int, item: ResponseOutcomeItem) -> None:
        """The answer about one request."""
        self._session.execute(
            insert(response_outcomes).values(
                response_id=response_id,
                placement_request_id=item.placement_request_id,
                patient_id=item.patient_id,
                outcome=item.outcome.value,
            )
        )
