"""Rows of import runs, raw responses, rejected records and switches (never commits)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from scraping_service import payloads
from scraping_service.domain import FINISHED, RunStatus
from scraping_service.models import import_runs, raw_responses, rejected_records, switches

COUNT_FIELDS = (
    "new",
    "changed",
    "unchanged",
    "disappeared",
    "rejected",
    "duplicates",
    "records",
    "warnings",
)


def create_run(session: Session, now: datetime, **values: Any) -> int:
    """A new import run row; returns its id."""
    values.setdefault("status", RunStatus.QUEUED.value)
    return int(
        session.execute(
            insert(import_runs).values(created_at=now, **values).returning(import_runs.c.id)
        ).scalar_one()
    )


def add_raw_response(
    session: Session,
    run_id: int,
    seq: int,
    label: str | None,
    response: dict[str, Any],
    now: datetime,
) -> None:
    """Keep one response gzip-compressed for audit and re-processing."""
    blob, size, digest = payloads.compress(response)
    session.execute(
        insert(raw_responses).values(
            run_id=run_id,
            seq=seq,
            label=(label or "")[:500] or None,
            payload_gzip=blob,
            size_bytes=size,
            sha256=digest,
            received_at=now,
        )
    )


def raw_of_run(session: Session, run_id: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """(label, response) of a run in the order they were received."""
    rows = session.execute(
        select(raw_responses.c.seq, raw_responses.c.label, raw_responses.c.payload_gzip)
        .where(raw_responses.c.run_id == run_id)
        .order_by(raw_responses.c.seq)
    )
    for row in rows:
        yield row.label or f"response {row.seq}", payloads.decompress(row.payload_gzip)


def claim_queued_run(session: Session, now: datetime) -> Row | None:
    """The oldest queued run, marked running (SKIP LOCKED: two workers never share one)."""
    oldest = (
        select(import_runs.c.id)
        .where(import_runs.c.status == RunStatus.QUEUED.value)
        .order_by(import_runs.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    return session.execute(
        update(import_runs)
        .where(import_runs.c.id == oldest)
        .values(status=RunStatus.RUNNING.value, started_at=now)
        .returning(import_runs)
    ).first()


def finish_run(
    session: Session,
    run_id: int,
    status: RunStatus,
    now: datetime,
    counts: dict[str, int] | None = None,
    **values: Any,
) -> None:
    """Final status, counts and finish time of a run."""
    columns = {f"count_{k}": v for k, v in (counts or {}).items()}
    session.execute(
        update(import_runs)
        .where(import_runs.c.id == run_id)
        .values(status=status.value, finished_at=now, **columns, **values)
    )


def fail_stale_runs(session: Session, started_before: datetime, now: datetime) -> int:
    """Runs left `running` by a crashed worker become `failed`."""
    result = session.execute(
        update(import_runs)
        .where(
            import_runs.c.status == RunStatus.RUNNING.value,
            import_runs.c.started_at < started_before,
        )
        .values(
            status=RunStatus.FAILED.value,
            finished_at=now,
            error="abandoned: the worker stopped during the run",
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def add_rejected(session: Session, run_id: int, rows: list[dict[str, Any]]) -> None:
    """Rejected records of a run with their reasons."""
    if rows:
        session.execute(insert(rejected_records), [{"run_id": run_id, **r} for r in rows])


def get_run(session: Session, run_id: int) -> Row | None:
    return session.execute(select(import_runs).where(import_runs.c.id == run_id)).first()


def list_runs(session: Session, offset: int, limit: int) -> tuple[list[Row], int]:
    """A page of runs, newest first, and the total."""
    rows = session.execute(
        select(import_runs).order_by(import_runs.c.id.desc()).offset(offset).limit(limit)
    ).all()
    total = session.execute(select(func.count()).select_from(import_runs)).scalar_one()
    return list(rows), int(total)


def rejected_of_run(session: Session, run_id: int, offset: int, limit: int) -> list[Row]:
    return list(
        session.execute(
            select(rejected_records)
            .where(rejected_records.c.run_id == run_id)
            .order_by(rejected_records.c.id)
            .offset(offset)
            .limit(limit)
        ).all()
    )


def purge_raw_before(session: Session, cutoff: datetime) -> int:
    """Delete raw responses of finished runs received before `cutoff`."""
    finished = select(import_runs.c.id).where(import_runs.c.status.in_([s.value for s in FINISHED]))
    result = session.execute(
        delete(raw_responses).where(
            raw_responses.c.received_at < cutoff, raw_responses.c.run_id.in_(finished)
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def switch_on(session: Session, name: str) -> bool:
    return bool(
        session.execute(
            select(switches.c.enabled).where(switches.c.name == name)
        ).scalar_one_or_none()
    )


def set_switch(
    session: Session, name: str, enabled: bool, reason: str | None, by: str | None, now: datetime
) -> None:
    values = {"enabled": enabled, "reason": reason, "changed_by": by, "changed_at": now}
    session.execute(
        pg_insert(switches)
        .values(name=name, **values)
        .on_conflict_do_update(index_elements=["name"], set_=values)
    )


def get_switch(session: Session, name: str) -> Row | None:
    return session.execute(select(switches).where(switches.c.name == name)).first()
