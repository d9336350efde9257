"""Reads and writes of therapist rows (no commits here)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping, insert, select, update
from sqlalchemy.orm import Session

from therapist_service.models import therapists

MAX_ID = 2**63 - 1


class TherapistRows:
    """The `therapists` table: by id, by external id, insert and update returning the row."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, therapist_id: int, lock: bool = False) -> RowMapping | None:
        """One therapist row by id (optionally locked for update), or None."""
        if not 1 <= therapist_id <= MAX_ID:
            return None
        query = select(therapists).where(therapists.c.id == therapist_id)
        if lock:
            query = query.with_for_update()
        return self._session.execute(query).mappings().first()

    def by_external_id(self, external_id: str) -> RowMapping | None:
        """The therapist with this 116117 id, locked for update, or None."""
        query = select(therapists).where(therapists.c.external_id == external_id).with_for_update()
        return self._session.execute(query).mappings().first()

    def external_id_taken(self, external_id: str) -> bool:
        """True if a therapist already has this external id."""
        query = select(therapists.c.id).where(therapists.c.external_id == external_id)
        return self._session.execute(query).first() is not None

    def insert(self, values: dict[str, Any]) -> RowMapping:
        """Insert a therapist; return the stored row."""
        query = insert(therapists).values(**values).returning(therapists)
        return self._session.execute(query).mappings().one()

    def update(self, therapist_id: int, values: dict[str, Any]) -> RowMapping:
        """Update columns of one therapist; return the stored row."""
        query = (
            update(therapists)
            .where(therapists.c.id == therapist_id)
            .values(**values)
            .returning(therapists)
        )
        return self._session.execute(query).mappings().one()
