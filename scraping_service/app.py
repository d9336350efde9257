"""Web entry point: `gunicorn 'scraping_service.app:create_app()'`; the composition root."""

from __future__ import annotations

from typing import Any

from flask import Flask

from scraping_service.api import ROUTES
from scraping_service.api.imports import install_upload_limit
from scraping_service.clients.arztsuche import ClientConfig, client_factory
from scraping_service.config import Settings
from scraping_service.context import ScrapingContext
from scraping_service.models import metadata
from scraping_service.services import folder, imports, live
from shared.clock import Clock
from shared.context import build_context
from shared.http.app_factory import create_service_app
from shared.jobs import Job

PROCESS_IMPORTS = "process-imports"
IMPORT_FOLDER = "import-folder"
LIVE_IMPORT = "live-import"
PURGE_RAW = "purge-raw-responses"


def create_app(
    settings: Settings | None = None, clock: Clock | None = None, **dependencies: Any
) -> Flask:
    """Build the scraping service app; settings are read here, once, unless injected."""
    ctx = build_service_context(settings or Settings(), clock, **dependencies)
    app = create_service_app(ctx, "Scraping service", ROUTES)
    install_upload_limit(app, ctx.settings.import_max_upload_bytes)
    return app


def build_service_context(
    settings: Settings, clock: Clock | None = None, **dependencies: Any
) -> ScrapingContext:
    """The shared context plus the live client factory (or the given `dependencies`:
    live_client_factory), and this service's jobs."""
    parts = {"live_client_factory": client_factory(client_config(settings)), **dependencies}
    ctx = build_context(ScrapingContext, settings, metadata, clock, **parts)
    for job in build_jobs(ctx):
        ctx.jobs.add(job)
    return ctx


def build_jobs(ctx: ScrapingContext) -> list[Job]:
    """Queued runs, the folder, the live crawl, raw-data purge: run by the worker on their
    interval and by `POST /api/jobs/<name>/run`."""
    settings = ctx.settings
    return [
        Job(
            PROCESS_IMPORTS,
            lambda now: imports.process_queued_runs(ctx, now),
            settings.queue_interval_s,
        ),
        Job(IMPORT_FOLDER, lambda now: folder.import_folder(ctx, now), settings.folder_interval_s),
        Job(LIVE_IMPORT, lambda now: live.run_live_imports(ctx, now), settings.live_interval_s),
        Job(
            PURGE_RAW,
            lambda now: imports.purge_raw_responses(ctx, now),
            settings.purge_interval_s,
        ),
    ]


def client_config(settings: Settings) -> ClientConfig:
    """How the live client asks the Arztsuche, from settings (the credential included)."""
    secret = settings.live_basic_auth
    return ClientConfig(
        api_url=settings.live_api_url,
        site_url=settings.live_site_url,
        basic_auth=secret.get_secret_value() if secret else None,
        user_agent=settings.live_user_agent,
        timeout_s=settings.live_timeout_s,
        attempts=settings.live_attempts,
        backoff_s=settings.live_backoff_s,
        min_interval_s=settings.live_min_interval_s,
    )
