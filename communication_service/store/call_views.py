"""Read side of calls: the day's call list with the patients to discuss and previous contacts
(the therapist's phone number comes from therapist_service and is never stored here)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from communication_service.domain import labels
from communication_service.domain.slots import BERLIN
from communication_service.models import call_requests, calls, contact_ledger, outreach_requests

CALL_COLUMNS = (
    "id",
    "therapist_id",
    "purpose",
    "email_id",
    "state",
    "attempt",
    "slot_start",
    "flagged_for_staff",
    "flag_reason",
    "note",
    "response_id",
    "closed_reason",
    "created_at",
    "completed_at",
    "failed_at",
    "cancelled_at",
)
CONTACT_COLUMNS = ("channel", "kind", "email_id", "call_id", "response_id", "occurred_at")
PREVIOUS_CONTACTS = 10
CALLS = calls.c


def local_day(day: date) -> tuple[datetime, datetime]:
    """The UTC bounds of one Europe/Berlin calendar day (23 or 25 hours around DST)."""
    start = datetime.combine(day, time()).replace(tzinfo=BERLIN)
    end = datetime.combine(day + timedelta(days=1), time()).replace(tzinfo=BERLIN)
    return start, end


class CallViews:
    """What the call desk reads, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def page(
        self, filters: dict[str, Any], offset: int, limit: int, slot_minutes: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Calls by day / state / therapist, ordered by time (unslotted last), and the total."""
        conditions = []
        if filters.get("date") is not None:
            start, end = local_day(filters["date"])
            conditions += [CALLS.slot_start >= start, CALLS.slot_start < end]
        if filters.get("status") is not None:
            conditions.append(CALLS.state == filters["status"])
        if filters.get("therapist_id") is not None:
            conditions.append(CALLS.therapist_id == filters["therapist_id"])
        count = select(func.count()).select_from(calls).where(*conditions)
        total = self._session.execute(count).scalar_one()
        rows = (
            self._session.execute(
                select(calls)
                .where(*conditions)
                .order_by(CALLS.slot_start.asc().nulls_last(), CALLS.id)
                .offset(offset)
                .limit(limit)
            )
            .mappings()
            .all()
        )
        return [self.detail(row, slot_minutes) for row in rows], int(total)

    def find(self, call_id: int, slot_minutes: int) -> dict[str, Any] | None:
        """One call in the list's shape, or None."""
        query = select(calls).where(CALLS.id == call_id)
        row = self._session.execute(query).mappings().first()
        return self.detail(row, slot_minutes) if row is not None else None

    def detail(self, row: Any, slot_minutes: int) -> dict[str, Any]:
        """One call with its requests (pseudonymous summaries) and the therapist's contacts."""
        slot = row["slot_start"]
        return {
            **{column: row[column] for column in CALL_COLUMNS},
            "slot_end": slot + timedelta(minutes=slot_minutes) if slot is not None else None,
            "patients": self._patients(row["id"]),
            "previous_contacts": self._previous(row["therapist_id"]),
        }

    def _patients(self, call_id: int) -> list[dict[str, Any]]:
        links, requests = call_requests.c, outreach_requests.c
        rows = self._session.execute(
            select(outreach_requests)
            .join(call_requests, links.placement_request_id == requests.placement_request_id)
            .where(links.call_id == call_id)
            .order_by(links.position)
        ).mappings()
        return [
            {
                "placement_request_id": row["placement_request_id"],
                "patient_id": row["patient_id"],
                "state": row["state"],
                "reference": labels.reference(row["placement_request_id"]),
                "summary": labels.summary_view(row),
            }
            for row in rows
        ]

    def _previous(self, therapist_id: int) -> list[dict[str, Any]]:
        """Contacts that took place (e-mails sent, calls made, answers), newest first."""
        ledger = contact_ledger.c
        rows = self._session.execute(
            select(contact_ledger)
            .where(
                ledger.therapist_id == therapist_id,
                ledger.occurred_at.is_not(None),
                ledger.voided_at.is_(None),
            )
            .order_by(ledger.occurred_at.desc(), ledger.id.desc())
            .limit(PREVIOUS_CONTACTS)
        ).mappings()
        return [{column: row[column] for column in CONTACT_COLUMNS} for row in rows]
