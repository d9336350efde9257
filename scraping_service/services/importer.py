"""One claimed run applied: raw responses → verdicts → change set → known state, events, counts."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from scraping_service.clients.documents import items_of
from scraping_service.clients.listings import normalise_item
from scraping_service.config import Settings
from scraping_service.domain.changes import plan_changes
from scraping_service.domain.collection import Collected, count_columns, run_counts
from scraping_service.domain.runs import ImportRun, RunStatus
from scraping_service.store import events
from scraping_service.store.unit_of_work import ScrapingUnitOfWork
from shared.events.scraping import RunCounts

log = logging.getLogger(__name__)


def apply_run(
    uow: ScrapingUnitOfWork,
    settings: Settings,
    run: ImportRun,
    now: datetime,
    status: RunStatus = RunStatus.SUCCEEDED,
) -> RunCounts:
    """Apply a claimed run inside the caller's open unit of work (the caller commits)."""
    uow.known.lock()
    collected = collect(uow.raw.of_run(run.id), run.id, settings.progress_every)
    seen = collected.seen()
    known = uow.known.load(list(collected.records), run.area, run.full_run)
    changes = plan_changes(
        seen,
        known,
        collected.present(),
        run.area,
        run.full_run,
        settings.disappear_after_missed_runs,
    )
    uow.known.save(run.id, run.area, seen, changes, collected.only_rejected(), now)
    for event in events.practice_events(run.id, changes, collected.records):
        uow.events.add(event, now)
    uow.rejected.add(run.id, collected.rejected)
    counts = run_counts(changes, collected)
    uow.events.add(events.run_completed(run, counts, now), now)
    uow.runs.finish(run.id, status, now, count_columns(counts, collected))
    log.info("run %s done: %s", run.id, counts.model_dump())
    return counts


def collect(responses: Iterable[tuple[str, dict[str, Any]]], run_id: int, every: int) -> Collected:
    """Normalise every item; a bad item is rejected with reasons and the run goes on."""
    collected = Collected()
    for label, response in responses:
        for index, item in enumerate(items_of(response)):
            collected.take(normalise_item(item), f"{label}#{index}", item)
            if collected.total % every == 0:
                log.info(
                    "run %s: %d records read, %d accepted, %d rejected",
                    run_id,
                    collected.total,
                    len(collected.records),
                    len(collected.rejected),
                )
    return collected
