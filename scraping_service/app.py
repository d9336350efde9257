"""Web entry point: `gunicorn 'scraping_service.app:create_app()'`."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from scraping_service.api import register_routes
from scraping_service.config import Settings
from scraping_service.jobs import build_jobs
from scraping_service.live import ArztsucheClient, ClientConfig
from scraping_service.models import metadata
from shared.clock import Clock
from shared.http.app_factory import ServiceContext, create_service_app
from shared.service import build_context


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    """Build the scraping service app; settings are read here, once, unless injected."""
    ctx = build_service_context(settings or Settings(), clock)
    return create_service_app(ctx, "Scraping service", register_routes)


def build_service_context(settings: Settings, clock: Clock | None = None) -> ServiceContext:
    """The shared context plus the live client factory and this service's jobs."""
    ctx = build_context(settings, metadata, clock)
    ctx.extra["live_client_factory"] = live_client_factory(settings)
    for job in build_jobs(ctx):
        ctx.jobs.add(job)
    return ctx


def live_client_factory(settings: Settings) -> Callable[[], ArztsucheClient]:
    """A fresh client (own session cookie) per live run, configured from settings."""
    secret = settings.live_basic_auth
    config = ClientConfig(
        api_url=settings.live_api_url,
        site_url=settings.live_site_url,
        basic_auth=secret.get_secret_value() if secret else None,
        user_agent=settings.live_user_agent,
        timeout_s=settings.live_timeout_s,
        attempts=settings.live_attempts,
        backoff_s=settings.live_backoff_s,
        min_interval_s=settings.live_min_interval_s,
    )
    return lambda: ArztsucheClient(config)
