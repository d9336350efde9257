"""What an answer page reads: its e-mail, requests, their answers, the therapist's status.

The requests come in the e-mail's order; nothing here writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from communication_service.models import (
    email_requests,
    emails,
    outreach_requests,
    response_outcomes,
    responses,
    therapists,
)

EMAILS, LINKS, REQUESTS = emails.c, email_requests.c, outreach_requests.c
OUTCOMES, ANSWERS = response_outcomes.c, responses.c
EMAIL_COLUMNS = ("id", "purpose", "therapist_id", "state", "sent_at", "cancelled_at")
REQUEST_COLUMNS = (
    "placement_request_id",
    "patient_id",
    "summary",
    "distance_km",
    "state",
    "close_reason",
)


class AnswerLinks:
    """Reads of the public answer page, on one session (nothing here writes)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def email(self, email_id: int) -> dict[str, Any] | None:
        """The e-mail a link names (only the columns the page needs), or None."""
        row = (
            self._session.execute(
                select(*[EMAILS[column] for column in EMAIL_COLUMNS]).where(EMAILS.id == email_id)
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None

    def carried_requests(self, email_id: int) -> list[dict[str, Any]]:
        """The e-mail's requests in the order the e-mail shows them."""
        query = (
            select(*[REQUESTS[column] for column in REQUEST_COLUMNS])
            .join(email_requests, LINKS.placement_request_id == REQUESTS.placement_request_id)
            .where(LINKS.email_id == email_id)
            .order_by(LINKS.position)
        )
        return [dict(row) for row in self._session.execute(query).mappings()]

    def answers_among(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """The recorded answer per request (outcome, channel, when)."""
        if not ids:
            return {}
        query = (
            select(OUTCOMES.placement_request_id, OUTCOMES.outcome, ANSWERS.channel)
            .add_columns(ANSWERS.recorded_at)
            .join(responses, ANSWERS.id == OUTCOMES.response_id)
            .where(OUTCOMES.placement_request_id.in_(ids))
        )
        return {
            row["placement_request_id"]: dict(row)
            for row in self._session.execute(query).mappings()
        }

    def therapist(self, therapist_id: int) -> dict[str, Any] | None:
        """The therapist's status and opt-out as communication knows them, or None."""
        columns = therapists.c
        row = (
            self._session.execute(
                select(columns.status, columns.opted_out).where(
                    columns.therapist_id == therapist_id
                )
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None
