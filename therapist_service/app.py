"""Web entry point: `gunicorn 'therapist_service.app:create_app()'`; the composition root."""

from __future__ import annotations

from typing import Any

from flask import Flask

from shared.clock import Clock
from shared.context import build_context
from shared.http.app_factory import create_service_app
from therapist_service.api import ROUTES
from therapist_service.config import Settings
from therapist_service.context import TherapistContext
from therapist_service.models import metadata


def create_app(
    settings: Settings | None = None, clock: Clock | None = None, **dependencies: Any
) -> Flask:
    """Build the therapist service app; settings are read here, once, unless injected."""
    ctx = build_service_context(settings or Settings(), clock, **dependencies)
    return create_service_app(ctx, "Therapist service", ROUTES)


def build_service_context(
    settings: Settings, clock: Clock | None = None, **dependencies: Any
) -> TherapistContext:
    """The shared context for this service (it has no clients, rules or jobs of its own)."""
    return build_context(TherapistContext, settings, metadata, clock, **dependencies)
