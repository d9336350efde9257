"""One import run end to end: raw responses → verdicts → change set → state, events, counts."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scraping_service import domain, store, tracking
from scraping_service.normalise import Verdict, normalise_item, record_hash
from shared.events.scraping import RunCompleted, RunCounts, TherapistRecord
from shared.http.app_factory import ServiceContext

log = logging.getLogger(__name__)
TRACKING_LOCK = 6_116_117  # one run at a time changes the known state (transaction lock)
MAX_STORED_ITEM_CHARS = 20_000


@dataclass
class Collected:
    """Accepted records by id, rejected rows, and the run's tallies."""

    records: dict[str, TherapistRecord] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    rejected_ids: set[str] = field(default_factory=set)
    total: int = 0
    duplicates: int = 0
    warnings: int = 0


def collect(responses: Iterable[tuple[str, dict[str, Any]]], run_id: int, every: int) -> Collected:
    """Normalise every item; a bad item is rejected with reasons and the run goes on."""
    out = Collected()
    for label, response in responses:
        for index, item in enumerate(response.get("arztPraxisDatas") or []):
            out.total += 1
            _take(out, normalise_item(item), f"{label}#{index}", item)
            if out.total % every == 0:
                log.info(
                    "run %s: %d records read, %d accepted, %d rejected",
                    run_id,
                    out.total,
                    len(out.records),
                    len(out.rejected),
                )
    return out


def _take(out: Collected, verdict: Verdict, position: str, item: Any) -> None:
    out.warnings += len(verdict.warnings)
    if verdict.record is None:
        _reject(out, verdict.external_id, position, list(verdict.reasons), item)
        return
    digest = record_hash(verdict.record)
    ext = verdict.record.external_id
    if ext not in out.records:
        out.records[ext], out.hashes[ext] = verdict.record, digest
    elif out.hashes[ext] == digest:
        out.duplicates += 1  # overlapping tiles list the same practice twice
    else:
        _reject(out, ext, position, ["id: listed twice with different data (kept the first)"], item)


def _reject(out: Collected, ext: str | None, position: str, reasons: list[str], item: Any) -> None:
    if ext:
        out.rejected_ids.add(ext)
    stored = (
        item
        if isinstance(item, dict) and len(str(item)) <= MAX_STORED_ITEM_CHARS
        else {"value": str(item)[:500]}
    )
    out.rejected.append(
        {
            "external_id": (ext or "")[:100] or None,
            "position": position[:100],
            "reasons": reasons,
            "item": stored,
        }
    )


def process_run(
    ctx: ServiceContext,
    session: Session,
    run: Any,
    now: datetime,
    status: domain.RunStatus = domain.RunStatus.SUCCEEDED,
) -> RunCounts:
    """Apply a claimed run inside the caller's transaction (the caller commits)."""
    session.execute(select(func.pg_advisory_xact_lock(TRACKING_LOCK)))
    ref = tracking.RunRef(run.id, run.area, run.full_run)
    got = collect(store.raw_of_run(session, run.id), run.id, ctx.settings.progress_every)
    seen = [
        domain.Seen(ext, got.hashes[ext], rec.model_dump(mode="json"))
        for ext, rec in got.records.items()
    ]
    known = tracking.load_known(session, list(got.records), run.area, run.full_run)
    present = set(got.records) | got.rejected_ids
    changes = domain.plan_changes(
        seen, known, present, run.area, run.full_run, ctx.settings.disappear_after_missed_runs
    )
    tracking.save_state(session, ref, seen, changes, got.rejected_ids - set(got.records), now)
    tracking.publish_changes(ctx, session, ref, changes, got.records, now)
    store.add_rejected(session, run.id, got.rejected)
    counts = _counts(changes, got)
    _complete(ctx, session, run, now, status, counts, got)
    return counts


def _counts(changes: Any, got: Any) -> RunCounts:
    """Per-verdict numbers of a run."""
    return RunCounts(
        new=len(changes.new),
        changed=len(changes.changed),
        unchanged=len(changes.unchanged),
        disappeared=len(changes.disappeared),
        rejected=len(got.rejected),
    )


def _complete(
    ctx: ServiceContext,
    session: Session,
    run: Any,
    now: datetime,
    status: domain.RunStatus,
    counts: RunCounts,
    got: Any,
) -> None:
    """Publish `scraping.run_completed` and record the run's result."""
    ctx.outbox.add(
        session,
        RunCompleted(
            import_run_id=run.id,
            source=run.source,
            area=run.area,
            full_run=run.full_run,
            counts=counts,
            started_at=run.started_at or now,
            finished_at=now,
        ),
        occurred_at=now,
    )
    details = {
        **counts.model_dump(),
        "records": got.total,
        "duplicates": got.duplicates,
        "warnings": got.warnings,
    }
    store.finish_run(session, run.id, status, now, details)
    log.info("run %s done: %s", run.id, counts.model_dump())
