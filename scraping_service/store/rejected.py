"""Rejected records of a run with their reasons (shown, paged, with the run)."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from scraping_service.domain.runs import RejectedRecord
from scraping_service.models import rejected_records


class RejectedRecords:
    """Rejected record rows, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, run_id: int, rejected: list[RejectedRecord]) -> None:
        """Store a run's rejected records in their order."""
        if rejected:
            self._session.execute(
                insert(rejected_records),
                [{"run_id": run_id, **asdict(record)} for record in rejected],
            )

    def page(self, run_id: int, offset: int, limit: int) -> list[RejectedRecord]:
        """One page of a run's rejected records, in the order they were read."""
        rows = self._session.execute(
            select(
                rejected_records.c.external_id,
                rejected_records.c.position,
                rejected_records.c.reasons,
                rejected_records.c.item,
            )
            .where(rejected_records.c.run_id == run_id)
            .order_by(rejected_records.c.id)
            .offset(offset)
            .limit(limit)
        )
        return [RejectedRecord(**row._mapping) for row in rows]
