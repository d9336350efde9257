"""The staff attention list of the patient service: unacknowledged crisis flags (computed from
the patients) and what the consistency check could not repair (`attention_items`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, null, select, union_all, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from patient_service.models import attention_items, patients
from shared.vocabulary import AttentionReason

ITEMS = attention_items.c
PATIENTS = patients.c


class AttentionItems:
    """Items staff must look at, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def keep_open(
        self, reason: str, patient_id: int, details: dict[str, Any], now: datetime
    ) -> bool:
        """Open an item for the patient and reason, or refresh the open one; True when new."""
        statement = insert(attention_items).values(
            reason=reason, patient_id=patient_id, details=details, created_at=now, checked_at=now
        )
        statement = statement.on_conflict_do_update(
            index_elements=[ITEMS.patient_id, ITEMS.reason],
            index_where=ITEMS.resolved_at.is_(None),
            set_={"details": statement.excluded.details, "checked_at": now},
        )
        inserted = self._session.execute(statement.returning(ITEMS.created_at)).scalar_one()
        return bool(inserted == now)

    def resolve_others(self, reason: str, keep: set[int], checked: set[int], now: datetime) -> int:
        """Resolve the open items of `checked` patients not in `keep`; returns how many."""
        gone = checked - keep
        if not gone:
            return 0
        result = self._session.execute(
            update(attention_items)
            .where(
                ITEMS.reason == reason,
                ITEMS.resolved_at.is_(None),
                ITEMS.patient_id.in_(sorted(gone)),
            )
            .values(resolved_at=now)
        )
        return int(result.rowcount or 0)

    def open_page(
        self, offset: int, limit: int, reason: str | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """Unacknowledged crisis flags and open items (optionally of one reason), oldest
        first, and their total."""
        crisis = select(
            literal(AttentionReason.CRISIS_UNACKNOWLEDGED.value).label("reason"),
            PATIENTS.id.label("patient_id"),
            func.coalesce(PATIENTS.crisis_raised_at, PATIENTS.created_at).label("since"),
            null().label("details"),
        ).where(
            PATIENTS.crisis.is_(True),
            PATIENTS.crisis_acknowledged_at.is_(None),
            PATIENTS.erased_at.is_(None),
        )
        stored = select(
            ITEMS.reason, ITEMS.patient_id, ITEMS.created_at.label("since"), ITEMS.details
        ).where(ITEMS.resolved_at.is_(None))
        every = union_all(crisis, stored).subquery()
        where = [every.c.reason == reason] if reason is not None else []
        rows = self._session.execute(
            select(every)
            .where(*where)
            .order_by(every.c.since, every.c.patient_id, every.c.reason)
            .offset(offset)
            .limit(limit)
        ).mappings()
        items = [dict(row) for row in rows]
        total = self._session.execute(
            select(func.count()).select_from(every).where(*where)
        ).scalar_one()
        return items, int(total)
