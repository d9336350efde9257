"""Web entry point: `gunicorn 'matching_service.app:create_app()'`."""

from __future__ import annotations

from flask import Flask

from matching_service import services
from matching_service.api import register_routes
from matching_service.config import Settings
from matching_service.models import metadata
from matching_service.therapist_cache import TherapistCache
from shared.clock import Clock
from shared.http.app_factory import ServiceContext, create_service_app
from shared.jobs import Job
from shared.service import build_context


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    """Build the matching service app; settings are read here, once, unless injected."""
    ctx = build_service_context(settings or Settings(), clock)
    return create_service_app(ctx, "Matching service", register_routes)


def build_service_context(settings: Settings, clock: Clock | None = None) -> ServiceContext:
    """The shared context plus the matching rules and the two jobs."""
    ctx = build_context(settings, metadata, clock)
    ctx.extra["rules"] = settings.rules()
    ctx.extra["therapists"] = TherapistCache(settings.therapist_cache_max_age_s)
    ctx.jobs.add(
        Job(
            "matching-round",
            lambda now: services.run_matching_round(ctx, now),
            settings.matching_round_interval_s,
        )
    )
    ctx.jobs.add(
        Job(
            "expire-requests",
            lambda now: services.expire_requests(ctx, now),
            settings.expire_requests_interval_s,
        )
    )
    return ctx
