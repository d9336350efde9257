"""Web entry point: `gunicorn 'patient_service.app:create_app()'`."""

from __future__ import annotations

from flask import Flask

from patient_service import services
from patient_service.api import register_routes
from patient_service.config import Settings
from patient_service.geocoding import Geocoder, HttpGeocoder
from patient_service.models import metadata
from patient_service.peers import PeerClient
from shared.clock import Clock
from shared.http.app_factory import ServiceContext, create_service_app
from shared.http.auth import issue_token
from shared.jobs import Job
from shared.service import build_context


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    geocoder: Geocoder | None = None,
    peers: PeerClient | None = None,
) -> Flask:
    """Build the patient service app; settings are read here, once, unless injected."""
    settings = settings or Settings()
    ctx = build_service_context(settings, clock, geocoder)
    ctx.extra["peers"] = peers or build_peers(settings)
    return create_service_app(ctx, "Patient service", register_routes)


def build_service_context(
    settings: Settings, clock: Clock | None = None, geocoder: Geocoder | None = None
) -> ServiceContext:
    """The shared context plus the geocoding client and the `resolve-locations` job."""
    ctx = build_context(settings, metadata, clock)
    ctx.extra["geocoder"] = geocoder or build_geocoder(settings)
    ctx.jobs.add(
        Job(
            "resolve-locations",
            lambda now: services.resolve_pending_locations(ctx),
            settings.resolve_locations_interval_s,
        )
    )
    return ctx


def build_geocoder(settings: Settings) -> HttpGeocoder:
    """The HTTP client of the geocoding service, signing its calls with a `service` token."""
    secret = settings.jwt_secret.get_secret_value()
    return HttpGeocoder(
        settings.geocoding_service_url,
        lambda: issue_token(secret, settings.service_name, "service"),
        settings.geocoding_timeout_s,
        settings.geocoding_attempts,
        settings.geocoding_backoff_s,
    )


def build_peers(settings: Settings) -> PeerClient:
    """The HTTP client the export uses to read the other services (role `service` token)."""
    secret = settings.jwt_secret.get_secret_value()
    urls = {
        "therapist_service": settings.therapist_service_url,
        "matching_service": settings.matching_service_url,
        "communication_service": settings.communication_service_url,
        "geocoding_service": settings.geocoding_service_url,
        "scraping_service": settings.scraping_service_url,
    }
    return PeerClient(
        urls,
        lambda: issue_token(secret, settings.service_name, "service"),
        settings.export_timeout_s,
    )
