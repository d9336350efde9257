"""The scraping service's jobs: queued runs, the folder, the live crawl, raw-data purge."""

from __future__ import annotations

from scraping_service import services
from shared.http.app_factory import ServiceContext
from shared.jobs import Job

PROCESS_IMPORTS = "process-imports"
IMPORT_FOLDER = "import-folder"
LIVE_IMPORT = "live-import"
PURGE_RAW = "purge-raw-responses"


def build_jobs(ctx: ServiceContext) -> list[Job]:
    """Jobs run by the worker on their interval and by `POST /api/jobs/<name>/run`."""
    s = ctx.settings
    return [
        Job(
            PROCESS_IMPORTS, lambda now: services.process_queued_runs(ctx, now), s.queue_interval_s
        ),
        Job(IMPORT_FOLDER, lambda now: services.import_folder(ctx, now), s.folder_interval_s),
        Job(LIVE_IMPORT, lambda now: services.run_live_imports(ctx, now), s.live_interval_s),
        Job(PURGE_RAW, lambda now: services.purge_raw_responses(ctx, now), s.purge_interval_s),
    ]
