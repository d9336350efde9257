"""The import runs table: create, claim the oldest queued run, finish, fail stale ones, read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from scraping_service.domain.runs import ImportRun, RunStatus
from scraping_service.models import import_runs

ABANDONED = "abandoned: the worker stopped during the run"


class ImportRuns:
    """Import run rows, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def create(self, now: datetime, **values: Any) -> int:
        """A new import run row (queued unless `status` says otherwise); returns its id."""
        values.setdefault("status", RunStatus.QUEUED.value)
        return int(
            self._session.execute(
                insert(import_runs).values(created_at=now, **values).returning(import_runs.c.id)
            ).scalar_one()
        )

    def claim_queued(self, now: datetime) -> ImportRun | None:
        """The oldest queued run, marked running (SKIP LOCKED: two workers never share one)."""
        oldest = (
            select(import_runs.c.id)
            .where(import_runs.c.status == RunStatus.QUEUED.value)
            .order_by(import_runs.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        row = self._session.execute(
            update(import_runs)
            .where(import_runs.c.id == oldest)
            .values(status=RunStatus.RUNNING.value, started_at=now)
            .returning(import_runs)
        ).first()
        return _run(row) if row is not None else None

    def record_coverage(self, run_id: int, full_run: bool, details: dict[str, Any]) -> ImportRun:
        """A crawled run learns whether it covered its area fully, and what it covered."""
        row = self._session.execute(
            update(import_runs)
            .where(import_runs.c.id == run_id)
            .values(full_run=full_run, details=details)
            .returning(import_runs)
        ).one()
        return _run(row)

    def finish(
        self,
        run_id: int,
        status: RunStatus,
        now: datetime,
        counts: dict[str, int] | None = None,
        **values: Any,
    ) -> None:
        """Final status, counts (`count_<name>` columns) and finish time of a run."""
        columns = {f"count_{name}": value for name, value in (counts or {}).items()}
        self._session.execute(
            update(import_runs)
            .where(import_runs.c.id == run_id)
            .values(status=status.value, finished_at=now, **columns, **values)
        )

    def fail_stale(self, started_before: datetime, now: datetime) -> int:
        """Runs left `running` by a crashed worker become `failed`; returns how many."""
        result = self._session.execute(
            update(import_runs)
            .where(
                import_runs.c.status == RunStatus.RUNNING.value,
                import_runs.c.started_at < started_before,
            )
            .values(status=RunStatus.FAILED.value, finished_at=now, error=ABANDONED)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def get(self, run_id: int) -> ImportRun | None:
        row = self._session.execute(select(import_runs).where(import_runs.c.id == run_id)).first()
        return _run(row) if row is not None else None

    def page(
        self, offset: int, limit: int, status: str | None = None, source: str | None = None
    ) -> tuple[list[ImportRun], int]:
        """A page of runs (filtered by state and source when given), newest first, and the
        total of the filtered runs."""
        conditions = [
            column == value
            for column, value in ((import_runs.c.status, status), (import_runs.c.source, source))
            if value is not None
        ]
        query = select(import_runs).where(*conditions)
        rows = self._session.execute(
            query.order_by(import_runs.c.id.desc()).offset(offset).limit(limit)
        ).all()
        count = select(func.count()).select_from(import_runs).where(*conditions)
        return [_run(row) for row in rows], int(self._session.execute(count).scalar_one())


def _run(row: Row) -> ImportRun:
    return ImportRun(**row._mapping)
