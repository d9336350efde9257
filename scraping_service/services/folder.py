"""Folder source use case: each new recorded file queued once as a run, then the queue run."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from scraping_service.clients import documents, folder
from scraping_service.context import ScrapingContext
from scraping_service.domain.batches import Batch
from scraping_service.services.imports import MAX_FILE_NAME, process_queued_runs
from shared.vocabulary import ImportSource

MAX_ERROR = 2000


def import_folder(ctx: ScrapingContext, now: datetime) -> dict[str, Any]:
    """Job: queue every new file of the folder once, then process the queue."""
    root = ctx.settings.folder_path
    if not root or not Path(root).is_dir():
        return {"skipped": "FOLDER_PATH is not set or not a directory"}
    with ctx.unit_of_work() as uow:
        taken = uow.folder_files.taken()
    fresh = [
        found
        for found in folder.scan(Path(root), ctx.settings.folder_max_file_bytes)
        if (found.path, found.sha256) not in taken
    ]
    queued = [
        run_id for run_id in (_queue_file(ctx, found, now) for found in fresh) if run_id is not None
    ]
    return {"files": len(fresh), "queued_runs": queued, **process_queued_runs(ctx, now)}


def _read(found: folder.FolderFile) -> tuple[Batch | None, str | None]:
    """The file's batch, or why it is not one."""
    try:
        return documents.read_document(folder.read_bytes(found)), None
    except (documents.PayloadError, OSError) as exc:
        return None, str(exc)[:MAX_ERROR]


def _queue_file(ctx: ScrapingContext, found: folder.FolderFile, now: datetime) -> int | None:
    """One file → one queued run (or a recorded error); a file another worker took is skipped."""
    settings = ctx.settings
    batch, error = _read(found)
    with ctx.unit_of_work() as uow:
        claimed = uow.folder_files.claim(found.path, found.sha256, found.size, error, now)
        if not claimed or batch is None:
            uow.commit()
            return None
        run_id = uow.runs.create(
            now,
            source=ImportSource.FOLDER.value,
            area=batch.area_or(found.area, settings.folder_area),
            full_run=batch.full_run_or(settings.folder_full_run),
            file_name=found.path[:MAX_FILE_NAME],
        )
        for seq, response in enumerate(batch.responses):
            uow.raw.add(run_id, seq, found.path, response, now)
        uow.folder_files.link_run(found.path, found.sha256, run_id)
        uow.commit()
    return run_id
