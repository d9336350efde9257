"""Read side of e-mails: lists and details, and a therapist's contact history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from communication_service.models import (
    contact_ledger,
    cooling_periods,
    email_requests,
    emails,
    outreach_requests,
    response_outcomes,
    responses,
)
from communication_service.store.emails import Emails

LIST_COLUMNS = (
    "id",
    "purpose",
    "template",
    "recipient",
    "therapist_id",
    "patient_id",
    "state",
    "subject",
    "message_id",
    "attempts",
    "next_attempt_at",
    "last_error",
    "delivery_confirmed",
    "created_at",
    "queued_at",
    "sent_at",
    "failed_at",
    "cancelled_at",
)
CONTACT_COLUMNS = (
    "id",
    "channel",
    "kind",
    "email_id",
    "call_id",
    "response_id",
    "practice_id",
    "blocks_from",
    "blocks_until",
    "occurred_at",
    "voided_at",
    "created_at",
)
COOLING_COLUMNS = ("id", "response_id", "starts_at", "ends_at", "lifted_at")
EMAILS = emails.c


class EmailViews:
    """What staff read about e-mails and contacts, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._emails = Emails(session)

    def detail(self, email_id: int) -> dict[str, Any] | None:
        """The e-mail with rendered bodies and the ids of the requests it carries."""
        row = self._emails.row(email_id)
        if row is None:
            return None
        carried = self._emails.carried_ids(email_id)
        return {
            **{column: row[column] for column in LIST_COLUMNS},
            "to_address": row["to_address"],
            "body_text": row["body_text"],
            "body_html": row["body_html"],
            "placement_request_ids": carried,
            "responses": self.responses_about(carried),
        }

    def responses_about(self, request_ids: list[int]) -> list[dict[str, Any]]:
        """The answers about any of the requests (any channel: e-mail, phone, link), oldest
        first, each with its outcomes about these requests."""
        if not request_ids:
            return []
        answers, outcomes = responses.c, response_outcomes.c
        rows = self._session.execute(
            select(
                answers.id,
                answers.channel,
                answers.recorded_by,
                answers.recorded_at,
                answers.note,
                outcomes.placement_request_id,
                outcomes.patient_id,
                outcomes.outcome,
            )
            .join(response_outcomes, outcomes.response_id == answers.id)
            .where(outcomes.placement_request_id.in_(request_ids))
            .order_by(answers.id, outcomes.placement_request_id)
        ).mappings()
        found: dict[int, dict[str, Any]] = {}
        for row in rows:
            answer = found.setdefault(
                row["id"],
                {
                    "response_id": row["id"],
                    "channel": row["channel"],
                    "recorded_by": row["recorded_by"],
                    "recorded_at": row["recorded_at"],
                    "note": row["note"],
                    "outcomes": [],
                },
            )
            answer["outcomes"].append(
                {
                    "placement_request_id": row["placement_request_id"],
                    "patient_id": row["patient_id"],
                    "outcome": row["outcome"],
                }
            )
        return list(found.values())

    def page(
        self, filters: dict[str, Any], offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Filter by therapist, patient (own or carried requests) and state; newest first."""
        conditions = []
        if filters.get("therapist_id") is not None:
            conditions.append(EMAILS.therapist_id == filters["therapist_id"])
        if filters.get("status") is not None:
            conditions.append(EMAILS.state == filters["status"])
        if filters.get("patient_id") is not None:
            patient_id = filters["patient_id"]
            conditions.append(
                (EMAILS.patient_id == patient_id) | EMAILS.id.in_(_carrying(patient_id))
            )
        count = select(func.count()).select_from(emails).where(*conditions)
        total = self._session.execute(count).scalar_one()
        rows = self._session.execute(
            select(*[EMAILS[column] for column in LIST_COLUMNS])
            .where(*conditions)
            .order_by(EMAILS.id.desc())
            .offset(offset)
            .limit(limit)
        ).mappings()
        return [dict(row) for row in rows], int(total)

    def contact_history(self, therapist_id: int, now: datetime) -> dict[str, Any]:
        """Ledger entries (newest first), answers and cooling periods of one therapist."""
        ledger, answers, cooling = contact_ledger.c, responses.c, cooling_periods.c
        contacts = self._session.execute(
            select(contact_ledger)
            .where(ledger.therapist_id == therapist_id)
            .order_by(ledger.id.desc())
            .limit(500)
        ).mappings()
        answered = self._session.execute(
            select(responses)
            .where(answers.therapist_id == therapist_id)
            .order_by(answers.id.desc())
            .limit(200)
        ).mappings()
        periods = list(
            self._session.execute(
                select(cooling_periods)
                .where(cooling.therapist_id == therapist_id)
                .order_by(cooling.id.desc())
            ).mappings()
        )
        running = [
            period
            for period in periods
            if period["lifted_at"] is None and period["starts_at"] <= now < period["ends_at"]
        ]
        return {
            "therapist_id": therapist_id,
            "contacts": [_pick(row, CONTACT_COLUMNS) for row in contacts],
            "responses": [dict(row) for row in answered],
            "cooling_periods": [_pick(period, COOLING_COLUMNS) for period in periods],
            "cooling_until": max((period["ends_at"] for period in running), default=None),
        }


def _carrying(patient_id: int) -> Any:
    """Ids of e-mails that carry a request about the patient."""
    links, requests = email_requests.c, outreach_requests.c
    return (
        select(links.email_id)
        .join(outreach_requests, requests.placement_request_id == links.placement_request_id)
        .where(requests.patient_id == patient_id)
    )


def _pick(row: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    return {column: row[column] for column in columns}
