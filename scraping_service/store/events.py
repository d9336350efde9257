"""Builders of the events this service writes to its outbox: per practice, and per run."""

from __future__ import annotations

from datetime import datetime

from scraping_service.domain.changes import ChangeSet
from scraping_service.domain.runs import ImportRun
from shared.events.envelope import DomainEvent
from shared.events.scraping import (
    FieldDiff,
    RunCompleted,
    RunCounts,
    TherapistChanged,
    TherapistDisappeared,
    TherapistDiscovered,
    TherapistRecord,
)


def practice_events(
    run_id: int, changes: ChangeSet, records: dict[str, TherapistRecord]
) -> list[DomainEvent]:
    """One event per new, changed and disappeared practice, in that order."""
    found: list[DomainEvent] = [
        TherapistDiscovered(
            external_id=item.external_id, import_run_id=run_id, record=records[item.external_id]
        )
        for item in changes.new
    ]
    found += [
        TherapistChanged(
            external_id=item.external_id,
            import_run_id=run_id,
            record=records[item.external_id],
            changes=[
                FieldDiff(field=change.field, old=change.old, new=change.new) for change in diff
            ],
        )
        for item, diff in changes.changed
    ]
    found += [
        TherapistDisappeared(
            external_id=gone.external_id,
            import_run_id=run_id,
            last_seen_at=gone.last_seen_at,
            missed_runs=gone.missed_runs,
        )
        for gone in changes.disappeared
    ]
    return found


def run_completed(run: ImportRun, counts: RunCounts, now: datetime) -> RunCompleted:
    """scraping.run_completed, written after the run's per-practice events."""
    return RunCompleted(
        import_run_id=run.id,
        source=run.source,
        area=run.area,
        full_run=run.full_run,
        counts=counts,
        started_at=run.started_at or now,
        finished_at=now,
    )
