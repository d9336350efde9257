"""The therapist's change records (field old → new) and its audit log (no commits here)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, func, insert, select
from sqlalchemy.orm import Session

from therapist_service.domain.fields import FieldChange
from therapist_service.models import audit_log, therapist_changes


class ChangeHistory:
    """`therapist_changes`: every changed field with its origin (import run or staff)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        therapist_id: int,
        changes: Iterable[FieldChange],
        *,
        source: str,
        at: datetime,
        import_run_id: int | None = None,
        event_id: str | None = None,
    ) -> None:
        """Record changed fields (old → new) with their origin."""
        rows = [
            {
                "therapist_id": therapist_id,
                "field": change.field,
                "old_value": change.old,
                "new_value": change.new,
                "source": source,
                "import_run_id": import_run_id,
                "event_id": event_id,
                "changed_at": at,
            }
            for change in changes
        ]
        if rows:
            self._session.execute(insert(therapist_changes), rows)

    def page(
        self, therapist_id: int, source: str | None, offset: int, limit: int
    ) -> tuple[list[RowMapping], int]:
        """A therapist's change history, oldest first, with the total count."""
        where = [therapist_changes.c.therapist_id == therapist_id]
        if source:
            where.append(therapist_changes.c.source == source)
        rows = self._session.execute(
            select(therapist_changes)
            .where(*where)
            .order_by(therapist_changes.c.id)
            .offset(offset)
            .limit(limit)
        )
        total = self._session.execute(
            select(func.count()).select_from(therapist_changes).where(*where)
        )
        return list(rows.mappings()), total.scalar_one()


class AuditLog:
    """`audit_log`: who did what to a therapist, when."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        therapist_id: int | None,
        actor: str,
        action: str,
        details: dict[str, Any],
        at: datetime,
    ) -> None:
        """Record one action on a therapist."""
        self._session.execute(
            insert(audit_log).values(
                therapist_id=therapist_id, actor=actor, action=action, details=details, at=at
            )
        )
