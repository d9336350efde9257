"""The staff attention list: answers held for staff, e-mails that failed for good (ids only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from communication_service.models import attention_items

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

    def resolve(self, item_id: int, actor: str, now: datetime) -> bool:
        """Staff dealt with the item; False when it was not open."""
        done = self._session.execute(
            update(attention_items)
            .where(ITEMS.id == item_id, ITEMS.resolved_at.is_(None))
            .values(resolved_at=now, resolved_by=actor)
            .returning(ITEMS.id)
        ).first()
        return done is not None
