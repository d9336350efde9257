"""Use cases of the scraping service: the only place (with handlers) that commits."""

from __future__ import annotations

import itertools
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from scraping_service import folder, importer, payloads, store
from scraping_service.domain import STOP_SWITCH, RunStatus, Tile
from scraping_service.live import Coverage, Crawler
from scraping_service.models import folder_files, import_runs
from shared.db import UnitOfWork
from shared.http.app_factory import ServiceContext
from shared.vocabulary import ImportSource

log = logging.getLogger(__name__)


def queue_import(
    ctx: ServiceContext,
    batch: payloads.Batch,
    source: ImportSource,
    area: str | None,
    full_run: bool,
    **values: Any,
) -> int:
    """Store the responses of an import (compressed) and queue it for the worker."""
    now = ctx.clock.now()
    with UnitOfWork(ctx.session_factory) as uow:
        run_id = store.create_run(
            uow.session, now, source=source.value, area=area, full_run=full_run, **values
        )
        for seq, response in enumerate(batch.responses):
            store.add_raw_response(uow.session, run_id, seq, values.get("file_name"), response, now)
        uow.commit()
    log.info("import run %s queued (%s, %d responses)", run_id, source, len(batch.responses))
    return run_id


def process_queued_runs(ctx: ServiceContext, now: datetime) -> dict[str, Any]:
    """Job: fail abandoned runs, then process queued runs one transaction each."""
    stale_before = now - timedelta(seconds=ctx.settings.run_stale_after_s)
    with UnitOfWork(ctx.session_factory) as uow:
        failed = store.fail_stale_runs(uow.session, stale_before, now)
        uow.commit()
    done = []
    for _ in range(ctx.settings.queue_batch_runs):
        with UnitOfWork(ctx.session_factory) as uow:
            run = store.claim_queued_run(uow.session, ctx.clock.now())
            uow.commit()
        if run is None:
            break
        done.append({"run_id": run.id, "status": _process_claimed(ctx, run)})
    return {"processed": done, "abandoned_failed": failed}


def _process_claimed(ctx: ServiceContext, run: Any, status: RunStatus = RunStatus.SUCCEEDED) -> str:
    """Apply a running run; on any error it is marked failed (its raw data is kept)."""
    try:
        with UnitOfWork(ctx.session_factory) as uow:
            importer.process_run(ctx, uow.session, run, ctx.clock.now(), status)
            uow.commit()
        return status.value
    except Exception as exc:  # noqa: BLE001 - a failed run is recorded, the worker goes on
        log.exception("import run %s failed", run.id)
        with UnitOfWork(ctx.session_factory) as uow:
            store.finish_run(
                uow.session,
                run.id,
                RunStatus.FAILED,
                ctx.clock.now(),
                error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            uow.commit()
        return RunStatus.FAILED.value


def read_run(
    ctx: ServiceContext, run_id: int, offset: int, limit: int
) -> tuple[Any, list[Any]] | None:
    """A run and one page of its rejected records."""
    with UnitOfWork(ctx.session_factory) as uow:
        run = store.get_run(uow.session, run_id)
        if run is None:
            return None
        return run, store.rejected_of_run(uow.session, run_id, offset, limit)


def list_runs(ctx: ServiceContext, offset: int, limit: int) -> tuple[list[Any], int]:
    with UnitOfWork(ctx.session_factory) as uow:
        return store.list_runs(uow.session, offset, limit)


def purge_raw_responses(ctx: ServiceContext, now: datetime) -> dict[str, Any]:
    """Job: drop raw responses older than the retention period."""
    cutoff = now - timedelta(days=ctx.settings.raw_retention_days)
    with UnitOfWork(ctx.session_factory) as uow:
        deleted = store.purge_raw_before(uow.session, cutoff)
        uow.commit()
    return {"deleted": deleted, "cutoff": cutoff.isoformat()}


def import_folder(ctx: ServiceContext, now: datetime) -> dict[str, Any]:
    """Job: queue every new file of the folder once, then process the queue."""
    root = ctx.settings.folder_path
    if not root or not Path(root).is_dir():
        return {"skipped": "FOLDER_PATH is not set or not a directory"}
    with UnitOfWork(ctx.session_factory) as uow:
        taken = set(uow.session.execute(select(folder_files.c.path, folder_files.c.sha256)).all())
    fresh = [
        f
        for f in folder.scan(Path(root), ctx.settings.folder_max_file_bytes)
        if (f.path, f.sha256) not in taken
    ]
    queued = [r for r in (_queue_file(ctx, f, now) for f in fresh) if r is not None]
    return {"files": len(fresh), "queued_runs": queued, **process_queued_runs(ctx, now)}


def _queue_file(ctx: ServiceContext, found: folder.FolderFile, now: datetime) -> int | None:
    """One file → one queued run (or a recorded error); a file another worker took is skipped."""
    s = ctx.settings
    try:
        batch, error = payloads.read_batch(payloads.decode(found.absolute.read_bytes())), None
    except (payloads.PayloadError, OSError) as exc:
        batch, error = None, str(exc)[:2000]
    with UnitOfWork(ctx.session_factory) as uow:
        claimed = uow.session.execute(
            pg_insert(folder_files)
            .values(
                path=found.path,
                sha256=found.sha256,
                size_bytes=found.size,
                error=error,
                picked_at=now,
            )
            .on_conflict_do_nothing()
            .returning(folder_files.c.path)
        ).first()
        if claimed is None or batch is None:
            uow.commit()
            return None
        run_id = store.create_run(
            uow.session,
            now,
            source=ImportSource.FOLDER.value,
            area=batch.area or found.area or s.folder_area,
            full_run=s.folder_full_run if batch.full_run is None else batch.full_run,
            file_name=found.path[:500],
        )
        for seq, response in enumerate(batch.responses):
            store.add_raw_response(uow.session, run_id, seq, found.path, response, now)
        uow.session.execute(
            update(folder_files)
            .where(folder_files.c.path == found.path, folder_files.c.sha256 == found.sha256)
            .values(run_id=run_id)
        )
        uow.commit()
    return run_id


def live_stopped(ctx: ServiceContext) -> bool:
    """The stop switch: the setting, or the switch an admin set through the API."""
    if ctx.settings.live_stopped:
        return True
    with UnitOfWork(ctx.session_factory) as uow:
        return store.switch_on(uow.session, STOP_SWITCH)


def set_live_stop(ctx: ServiceContext, stopped: bool, reason: str | None, by: str | None) -> None:
    with UnitOfWork(ctx.session_factory) as uow:
        store.set_switch(uow.session, STOP_SWITCH, stopped, reason, by, ctx.clock.now())
        uow.commit()


def live_switch(ctx: ServiceContext) -> Any:
    with UnitOfWork(ctx.session_factory) as uow:
        return store.get_switch(uow.session, STOP_SWITCH)


def run_live_imports(ctx: ServiceContext, now: datetime) -> dict[str, Any]:
    """Job: crawl each configured area (one run each) unless disabled or stopped."""
    if not ctx.settings.live_enabled:
        return {"skipped": "live import is disabled (LIVE_ENABLED=false)"}
    runs = []
    for label, area in ctx.settings.live_area_tiles():
        if live_stopped(ctx):
            return {"runs": runs, "stopped": True}
        runs.append(run_live_area(ctx, label, area))
    return {"runs": runs}


def run_live_area(ctx: ServiceContext, label: str, area: Tile) -> dict[str, Any]:
    """Crawl one area tile by tile (raw answers kept as they come), then apply the run."""
    run_id = _start_live_run(ctx, label)
    client = ctx.extra["live_client_factory"]()
    coverage = Crawler(
        client.search,
        ctx.settings.live_min_radius_km,
        ctx.settings.live_max_requests,
        lambda: live_stopped(ctx),
    ).crawl(area, _raw_keeper(ctx, run_id))
    details = _coverage_details(coverage, client)
    with UnitOfWork(ctx.session_factory) as uow:
        run = uow.session.execute(
            update(import_runs)
            .where(import_runs.c.id == run_id)
            .values(full_run=coverage.complete, details=details)
            .returning(import_runs)
        ).one()
        uow.commit()
    status = _process_claimed(ctx, run, _live_status(coverage))
    return {"run_id": run_id, "status": status, **details}


def _start_live_run(ctx: ServiceContext, label: str) -> int:
    """A `running` live run row, committed before the crawl starts."""
    with UnitOfWork(ctx.session_factory) as uow:
        run_id = store.create_run(
            uow.session,
            ctx.clock.now(),
            source=ImportSource.LIVE.value,
            area=label,
            full_run=False,
            status=RunStatus.RUNNING.value,
            started_at=ctx.clock.now(),
        )
        uow.commit()
    return int(run_id)


def _coverage_details(coverage: Coverage, client: Any) -> dict[str, Any]:
    """What a crawl covered, for the run's details."""
    return {
        "tiles": coverage.tiles,
        "answered": coverage.answered,
        "subdivided": coverage.subdivided,
        "capped": coverage.capped,
        "failed": coverage.failed,
        "requests": client.requests,
        "retries": client.retries,
        "stopped": coverage.stopped,
        "budget_exhausted": coverage.budget_exhausted,
    }


def _live_status(coverage: Coverage) -> RunStatus:
    """Stopped by the switch; failed when no tile answered; else succeeded (maybe partial)."""
    if coverage.stopped:
        return RunStatus.STOPPED
    return RunStatus.SUCCEEDED if coverage.answered else RunStatus.FAILED


def _raw_keeper(ctx: ServiceContext, run_id: int) -> Any:
    counter = itertools.count()

    def keep(tile: Tile, response: dict[str, Any]) -> None:
        with UnitOfWork(ctx.session_factory) as uow:
            store.add_raw_response(
                uow.session, run_id, next(counter), tile.label(), response, ctx.clock.now()
            )
            uow.commit()

    return keep
