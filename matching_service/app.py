"""Web entry point: `gunicorn 'matching_service.app:create_app()'`; the composition root."""

from __future__ import annotations

from typing import Any

from flask import Flask

from matching_service.api import ROUTES
from matching_service.config import Settings
from matching_service.context import MatchingContext
from matching_service.models import metadata
from matching_service.services import rounds
from matching_service.store.persist import CreatedEvents
from matching_service.store.therapist_cache import TherapistCache
from shared.clock import Clock
from shared.context import build_context
from shared.events.topics import TOPICS
from shared.http.app_factory import create_service_app
from shared.jobs import Job


def create_app(
    settings: Settings | None = None, clock: Clock | None = None, **dependencies: Any
) -> Flask:
    """Build the matching service app; settings are read here, once, unless injected."""
    ctx = build_service_context(settings or Settings(), clock, **dependencies)
    return create_service_app(ctx, "Matching service", ROUTES)


def build_service_context(
    settings: Settings, clock: Clock | None = None, **dependencies: Any
) -> MatchingContext:
    """The shared context plus the matching rules, the therapist index cache and the format of
    the created events (or the given `dependencies`), and the two jobs."""
    parts = {**build_dependencies(settings), **dependencies}
    ctx = build_context(MatchingContext, settings, metadata, clock, **parts)
    ctx.jobs.add(
        Job(
            "matching-round",
            lambda now: rounds.run_matching_round(ctx, now),
            settings.matching_round_interval_s,
        )
    )
    ctx.jobs.add(
        Job(
            "expire-requests",
            lambda now: rounds.expire_requests(ctx, now),
            settings.expire_requests_interval_s,
        )
    )
    return ctx


def build_dependencies(settings: Settings) -> dict[str, Any]:
    """Rules, index cache and created-events format from settings."""
    return {
        "rules": settings.rules(),
        "therapists": TherapistCache(settings.therapist_cache_max_age_s),
        "created_events": CreatedEvents(
            outbox_table=f"{metadata.schema}.outbox",
            topic=settings.topic(TOPICS[settings.service_name]),
            producer=settings.service_name,
            per_message=settings.events_per_message,
        ),
    }
