"""Known state per external id: load it, apply a run's change set, write the events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from scraping_service.domain import ChangeSet, Known, Seen
from scraping_service.models import known_therapists as kt
from shared.events.scraping import (
    FieldDiff,
    TherapistChanged,
    TherapistDisappeared,
    TherapistDiscovered,
    TherapistRecord,
)
from shared.http.app_factory import ServiceContext

CHUNK = 5000


@dataclass(frozen=True)
class RunRef:
    """The run a change set belongs to."""

    id: int
    area: str | None
    full_run: bool


def load_known(
    session: Session, ids: list[str], area: str | None, full_run: bool
) -> dict[str, Known]:
    """Known state of the ids seen, plus every present practice of the area on a full run."""
    known: dict[str, Known] = {}
    for start in range(0, max(len(ids), 1), CHUNK):
        chunk = ids[start : start + CHUNK]
        where = kt.c.external_id.in_(chunk)
        if full_run and start == 0:
            where = or_(where, (kt.c.area == area) & kt.c.disappeared_at.is_(None))
        for row in session.execute(select(kt).where(where)):
            known[row.external_id] = Known(
                row.external_id,
                row.record_hash,
                row.record,
                row.area,
                row.missed_runs,
                row.disappeared_at is not None,
                row.last_seen_at,
            )
    return known


def save_state(
    session: Session,
    run: RunRef,
    seen: Iterable[Seen],
    changes: ChangeSet,
    rejected_ids: set[str],
    now: datetime,
) -> None:
    """Seen → present again; missed counters; disappearances; rejected sightings reset misses."""
    _upsert_seen(session, run, list(seen), now)
    if changes.missed:
        session.execute(
            update(kt)
            .where(kt.c.external_id == bindparam("eid"))
            .values(missed_runs=bindparam("missed")),
            [{"eid": k, "missed": v} for k, v in changes.missed.items()],
        )
    if changes.disappeared:
        session.execute(
            update(kt)
            .where(kt.c.external_id == bindparam("eid"))
            .values(missed_runs=bindparam("missed"), disappeared_at=now, disappeared_run_id=run.id),
            [{"eid": d.external_id, "missed": d.missed_runs} for d in changes.disappeared],
        )
    if rejected_ids:
        session.execute(
            update(kt)
            .where(kt.c.external_id.in_(sorted(rejected_ids)), kt.c.disappeared_at.is_(None))
            .values(missed_runs=0)
        )


def _upsert_seen(session: Session, run: RunRef, seen: list[Seen], now: datetime) -> None:
    if not seen:
        return
    stmt = pg_insert(kt)
    stmt = stmt.on_conflict_do_update(
        index_elements=[kt.c.external_id],
        set_={
            "record_hash": stmt.excluded.record_hash,
            "record": stmt.excluded.record,
            "area": stmt.excluded.area,
            "last_seen_run_id": stmt.excluded.last_seen_run_id,
            "last_seen_at": stmt.excluded.last_seen_at,
            "missed_runs": 0,
            "disappeared_at": None,
            "disappeared_run_id": None,
        },
    )
    for start in range(0, len(seen), CHUNK):
        session.execute(
            stmt,
            [
                {
                    "external_id": s.external_id,
                    "record_hash": s.record_hash,
                    "record": s.record,
                    "area": run.area,
                    "first_seen_run_id": run.id,
                    "last_seen_run_id": run.id,
                    "last_seen_at": now,
                    "missed_runs": 0,
                }
                for s in seen[start : start + CHUNK]
            ],
        )


def publish_changes(
    ctx: ServiceContext,
    session: Session,
    run: RunRef,
    changes: ChangeSet,
    records: dict[str, TherapistRecord],
    now: datetime,
) -> None:
    """One outbox event per new, changed and disappeared practice (same transaction)."""
    for item in changes.new:
        ctx.outbox.add(
            session,
            TherapistDiscovered(
                external_id=item.external_id, import_run_id=run.id, record=records[item.external_id]
            ),
            occurred_at=now,
        )
    for item, diff in changes.changed:
        ctx.outbox.add(
            session,
            TherapistChanged(
                external_id=item.external_id,
                import_run_id=run.id,
                record=records[item.external_id],
                changes=[FieldDiff(field=d.field, old=d.old, new=d.new) for d in diff],
            ),
            occurred_at=now,
        )
    for gone in changes.disappeared:
        ctx.outbox.add(
            session,
            TherapistDisappeared(
                external_id=gone.external_id,
                import_run_id=run.id,
                last_seen_at=gone.last_seen_at,
                missed_runs=gone.missed_runs,
            ),
            occurred_at=now,
        )
