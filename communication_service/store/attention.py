"""The staff attention list: answers held for staff, e-mails that failed for good (ids only);
and what is still open per patient, for the patient service's consistency check."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from communication_service.domain.calls import CallState
from communication_service.domain.emails import EmailState
from communication_service.domain.requests import OPEN_STATES
from communication_service.models import (
    attention_items,
    call_requests,
    calls,
    email_requests,
    emails,
    outreach_requests,
    patient_statuses,
)

ITEMS = attention_items.c


class AttentionItems:
    """Items staff must look at, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, reason: str, now: datetime, **ids: int | None) -> int:
        """A new open item (`ids`: therapist_id, patient_id, placement_request_id, response_id,
        email_id); returns its id."""
        statement = (
            insert(attention_items).values(reason=reason, created_at=now, **ids).returning(ITEMS.id)
        )
        return int(self._session.execute(statement).scalar_one())

    def add_once(self, reason: str, now: datetime, **ids: int | None) -> bool:
        """Like `add`, unless an open item of this reason for the same request exists already;
        True when added."""
        request_id = ids.get("placement_request_id")
        exists = self._session.execute(
            select(ITEMS.id).where(
                ITEMS.reason == reason,
                ITEMS.placement_request_id == request_id,
                ITEMS.resolved_at.is_(None),
            )
        ).first()
        if exists is not None:
            return False
        self.add(reason, now, **ids)
        return True

    def open_page(
        self, offset: int, limit: int, reason: str | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """Open items, oldest first (optionally of one reason), and their total."""
        where = [ITEMS.resolved_at.is_(None)]
        if reason is not None:
            where.append(ITEMS.reason == reason)
        rows = self._session.execute(
            select(attention_items)
            .where(*where)
            .order_by(ITEMS.created_at, ITEMS.id)
            .offset(offset)
            .limit(limit)
        ).mappings()
        total = self._session.execute(select(func.count()).where(*where)).scalar_one()
        return [dict(row) for row in rows], int(total)

    def open_contacts(self, patient_ids: Iterable[int]) -> list[dict[str, Any]]:
        """What is still open per patient (`open_contacts` below)."""
        return open_contacts(self._session, patient_ids)

    def resolve(self, item_id: int, actor: str, now: datetime) -> bool:
        """Staff dealt with the item; False when it was not open."""
        done = self._session.execute(
            update(attention_items)
            .where(ITEMS.id == item_id, ITEMS.resolved_at.is_(None))
            .values(resolved_at=now, resolved_by=actor)
            .returning(ITEMS.id)
        ).first()
        return done is not None


UNSENT = (EmailState.DRAFT.value, EmailState.QUEUED.value, EmailState.SENDING.value)
REQUESTS = outreach_requests.c
_REQUEST_ID = REQUESTS.placement_request_id


def open_contacts(session: Session, patient_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Per patient communication knows (of these): the status it knows, its open requests,
    the unsent e-mails and scheduled calls that carry them."""
    ids = list(patient_ids)
    found: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"status": None, "open_requests": [], "open_emails": [], "open_calls": []}
    )
    for pid, status in session.execute(
        select(patient_statuses.c.patient_id, patient_statuses.c.status).where(
            patient_statuses.c.patient_id.in_(ids)
        )
    ).all():
        found[pid]["status"] = status
    is_open = REQUESTS.state.in_([state.value for state in OPEN_STATES])
    for pid, request_id in session.execute(
        select(REQUESTS.patient_id, REQUESTS.placement_request_id)
        .where(REQUESTS.patient_id.in_(ids), is_open)
        .order_by(REQUESTS.placement_request_id)
    ).all():
        found[pid]["open_requests"].append(request_id)
    for pid, email_id in session.execute(
        select(REQUESTS.patient_id, emails.c.id)
        .distinct()
        .join(
            email_requests, email_requests.c.placement_request_id == REQUESTS.placement_request_id
        )
        .join(emails, emails.c.id == email_requests.c.email_id)
        .where(REQUESTS.patient_id.in_(ids), is_open, emails.c.state.in_(UNSENT))
        .order_by(emails.c.id)
    ).all():
        found[pid]["open_emails"].append(email_id)
    for pid, call_id in session.execute(
        select(REQUESTS.patient_id, calls.c.id)
        .distinct()
        .join(call_requests, call_requests.c.placement_request_id == _REQUEST_ID)
        .join(calls, calls.c.id == call_requests.c.call_id)
        .where(REQUESTS.patient_id.in_(ids), is_open, calls.c.state == CallState.SCHEDULED.value)
        .order_by(calls.c.id)
    ).all():
        found[pid]["open_calls"].append(call_id)
    return [{"patient_id": pid, **found[pid]} for pid in sorted(found)]
