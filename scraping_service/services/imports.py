"""Import run use cases: queue an upload or a batch, process the queue, read runs, purge."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from scraping_service.clients import documents
from scraping_service.context import ScrapingContext
from scraping_service.domain.batches import Batch
from scraping_service.domain.errors import ImportRunNotFound, NotAnArztsucheResponse
from scraping_service.domain.runs import ImportRun, RejectedRecord, RunStatus
from scraping_service.services.importer import apply_run
from shared.vocabulary import ImportSource

log = logging.getLogger(__name__)
MAX_RUN_ID = 2**63 - 1
MAX_FILE_NAME = 500


def queue_upload(
    ctx: ScrapingContext,
    raw: bytes,
    file_name: str | None,
    area: str,
    full_run: bool,
    requested_by: str,
) -> int:
    """An uploaded document (JSON or gzip) queued as one run; its wrapper may name area/full run."""
    try:
        batch = documents.read_document(raw)
    except documents.PayloadError as exc:
        raise NotAnArztsucheResponse(str(exc)) from exc
    return queue_import(
        ctx,
        batch,
        ImportSource.UPLOAD,
        batch.area_or(area),
        batch.full_run_or(full_run),
        requested_by=requested_by,
        file_name=(file_name or None) and file_name[:MAX_FILE_NAME],
    )


def queue_import(
    ctx: ScrapingContext,
    batch: Batch,
    source: ImportSource,
    area: str | None,
    full_run: bool,
    **values: Any,
) -> int:
    """Store the responses of an import (compressed) and queue it for the worker."""
    now = ctx.clock.now()
    with ctx.unit_of_work() as uow:
        run_id = uow.runs.create(now, source=source.value, area=area, full_run=full_run, **values)
        for seq, response in enumerate(batch.responses):
            uow.raw.add(run_id, seq, values.get("file_name"), response, now)
        uow.commit()
    log.info("import run %s queued (%s, %d responses)", run_id, source, len(batch.responses))
    return run_id


def process_queued_runs(ctx: ScrapingContext, now: datetime) -> dict[str, Any]:
    """Job: fail abandoned runs, then process queued runs one transaction each."""
    stale_before = now - timedelta(seconds=ctx.settings.run_stale_after_s)
    with ctx.unit_of_work() as uow:
        failed = uow.runs.fail_stale(stale_before, now)
        uow.commit()
    done = []
    for _ in range(ctx.settings.queue_batch_runs):
        with ctx.unit_of_work() as uow:
            run = uow.runs.claim_queued(ctx.clock.now())
            uow.commit()
        if run is None:
            break
        done.append({"run_id": run.id, "status": process_claimed(ctx, run)})
    return {"processed": done, "abandoned_failed": failed}


def process_claimed(
    ctx: ScrapingContext, run: ImportRun, status: RunStatus = RunStatus.SUCCEEDED
) -> str:
    """Apply a running run; on any error it is marked failed (its raw data is kept)."""
    try:
        with ctx.unit_of_work() as uow:
            apply_run(uow, ctx.settings, run, ctx.clock.now(), status)
            uow.commit()
        return status.value
    except Exception as exc:  # noqa: BLE001 - a failed run is recorded, the worker goes on
        log.exception("import run %s failed", run.id)
        with ctx.unit_of_work() as uow:
            uow.runs.finish(
                run.id,
                RunStatus.FAILED,
                ctx.clock.now(),
                error=f"{type(exc).__name__}: {exc}"[:2000],
            )
            uow.commit()
        return RunStatus.FAILED.value


def read_run(
    ctx: ScrapingContext, run_id: int, offset: int, limit: int
) -> tuple[ImportRun, list[RejectedRecord]]:
    """A run and one page of its rejected records."""
    if run_id > MAX_RUN_ID:
        raise ImportRunNotFound(run_id)
    with ctx.unit_of_work() as uow:
        run = uow.runs.get(run_id)
        if run is None:
            raise ImportRunNotFound(run_id)
        return run, uow.rejected.page(run_id, offset, limit)


def list_runs(
    ctx: ScrapingContext,
    offset: int,
    limit: int,
    status: RunStatus | None = None,
    source: str | None = None,
) -> tuple[list[ImportRun], int]:
    """A page of runs (in one state, from one source, when given), newest first, and the total."""
    with ctx.unit_of_work() as uow:
        return uow.runs.page(offset, limit, status, source)


def purge_raw_responses(ctx: ScrapingContext, now: datetime) -> dict[str, Any]:
    """Job: drop raw responses older than the retention period."""
    cutoff = now - timedelta(days=ctx.settings.raw_retention_days)
    with ctx.unit_of_work() as uow:
        deleted = uow.raw.purge_before(cutoff)
        uow.commit()
    return {"deleted": deleted, "cutoff": cutoff.isoformat()}
