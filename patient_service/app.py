"""Web entry point: `gunicorn 'patient_service.app:create_app()'`; the composition root."""

from __future__ import annotations

from typing import Any

from flask import Flask

from patient_service.api import ROUTES
from patient_service.clients.cases import PeerCaseReads
from patient_service.clients.geocoding import HttpGeocoder
from patient_service.clients.peers import PeerClient
from patient_service.config import Settings
from patient_service.context import PatientContext
from patient_service.models import metadata
from patient_service.services import birthdays, consistency, locations
from shared.clock import Clock
from shared.context import build_context
from shared.http.app_factory import create_service_app
from shared.http.auth import service_token_factory
from shared.jobs import Job


def create_app(
    settings: Settings | None = None, clock: Clock | None = None, **dependencies: Any
) -> Flask:
    """Build the patient service app; settings are read here, once, unless injected."""
    ctx = build_service_context(settings or Settings(), clock, **dependencies)
    return create_service_app(ctx, "Patient service", ROUTES)


def build_service_context(
    settings: Settings, clock: Clock | None = None, **dependencies: Any
) -> PatientContext:
    """The shared context plus the geocoding and peer clients (or the given `dependencies`:
    geocoder, peers, cases; None keeps the default), the `resolve-locations`,
    `announce-birthdays` and `consistency-check` jobs."""
    given = {name: part for name, part in dependencies.items() if part is not None}
    parts = {"geocoder": build_geocoder(settings), "peers": build_peers(settings), **given}
    parts.setdefault("cases", PeerCaseReads(parts["peers"]))
    ctx = build_context(PatientContext, settings, metadata, clock, **parts)
    ctx.jobs.add(
        Job(
            "resolve-locations",
            lambda now: locations.resolve_pending_locations(ctx),
            settings.resolve_locations_interval_s,
        )
    )
    ctx.jobs.add(
        Job(
            "announce-birthdays",
            lambda now: birthdays.announce_birthdays(ctx, now),
            settings.announce_birthdays_interval_s,
        )
    )
    ctx.jobs.add(
        Job(
            "consistency-check",
            lambda now: consistency.run_consistency_check(ctx, now),
            settings.consistency_check_interval_s,
        )
    )
    return ctx


def build_geocoder(settings: Settings) -> HttpGeocoder:
    """The HTTP client of the geocoding service, signing its calls with a `service` token."""
    return HttpGeocoder(
        settings.geocoding_service_url,
        service_token_factory(settings),
        settings.geocoding_timeout_s,
        settings.geocoding_attempts,
        settings.geocoding_backoff_s,
    )


def build_peers(settings: Settings) -> PeerClient:
    """The HTTP client the export uses to read the other services (role `service` token)."""
    urls = {
        "therapist_service": settings.therapist_service_url,
        "matching_service": settings.matching_service_url,
        "communication_service": settings.communication_service_url,
        "geocoding_service": settings.geocoding_service_url,
        "scraping_service": settings.scraping_service_url,
    }
    return PeerClient(
        urls,
        service_token_factory(settings),
        settings.export_timeout_s,
    )
