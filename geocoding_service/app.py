"""Web entry point: `gunicorn 'geocoding_service.app:create_app()'`."""

from __future__ import annotations

from flask import Flask

from geocoding_service.api import register_routes
from geocoding_service.config import Settings
from geocoding_service.models import metadata
from shared.clock import Clock
from shared.http.app_factory import create_service_app
from shared.service import build_context


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    """Build the geocoding service app; settings are read here, once, unless injected."""
    ctx = build_context(settings or Settings(), metadata, clock)
    return create_service_app(ctx, "Geocoding service", register_routes)
