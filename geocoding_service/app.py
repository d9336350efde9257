"""Web entry point: `gunicorn 'geocoding_service.app:create_app()'`; the composition root."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask

from geocoding_service.api import ROUTES
from geocoding_service.clients.geocoders import GeocodingChain, PostalCodeGeocoder
from geocoding_service.clients.limiter import MinIntervalLimiter
from geocoding_service.clients.nominatim import NominatimGeocoder, build_nominatim
from geocoding_service.clients.osrm import OsrmRouter
from geocoding_service.config import Settings
from geocoding_service.context import GeocodingContext
from geocoding_service.domain.cache import CachePolicy
from geocoding_service.models import metadata
from geocoding_service.services import geocoding
from shared.clock import Clock
from shared.context import build_context
from shared.http.app_factory import create_service_app
from shared.jobs import Job

PURGE_INTERVAL_S = 6 * 3600


def create_app(
    settings: Settings | None = None, clock: Clock | None = None, **dependencies: Any
) -> Flask:
    """Build the geocoding service app; settings are read here, once, unless injected."""
    ctx = build_service_context(settings or Settings(), clock, **dependencies)
    return create_service_app(ctx, "Geocoding service", ROUTES)


def build_service_context(
    settings: Settings, clock: Clock | None = None, **dependencies: Any
) -> GeocodingContext:
    """The shared context plus this service's clients and rules (or the given `dependencies`:
    geocoder, router, travel_model, cache_policy, max_destinations), and its jobs."""
    parts = {**build_dependencies(settings), **dependencies}
    ctx = build_context(GeocodingContext, settings, metadata, clock, **parts)
    ctx.jobs.add(
        Job(
            "purge-geocode-cache",
            lambda now: geocoding.purge_expired_cache(ctx, now),
            PURGE_INTERVAL_S,
        )
    )
    return ctx


def build_dependencies(settings: Settings) -> dict[str, Any]:
    """Geocoder chain, optional OSRM router, travel model and cache policy from settings."""
    return {
        "geocoder": GeocodingChain(PostalCodeGeocoder(), _street_geocoder(settings)),
        "router": _router(settings),
        "travel_model": settings.travel_model(),
        "cache_policy": CachePolicy(
            timedelta(seconds=settings.cache_ttl_s),
            timedelta(seconds=settings.cache_negative_ttl_s),
        ),
        "max_destinations": settings.max_destinations,
    }


def _street_geocoder(settings: Settings) -> NominatimGeocoder | None:
    if settings.geocoding_provider != "nominatim":
        return None
    client = build_nominatim(
        settings.nominatim_scheme,
        settings.nominatim_host,
        settings.nominatim_port,
        settings.nominatim_user_agent,
        settings.nominatim_timeout_s,
    )
    return NominatimGeocoder(
        client,
        MinIntervalLimiter(settings.nominatim_min_interval_s),
        settings.nominatim_attempts,
        settings.nominatim_backoff_s,
    )


def _router(settings: Settings) -> OsrmRouter | None:
    if not settings.osrm_base_url:
        return None
    return OsrmRouter(
        settings.osrm_base_url,
        settings.osrm_profiles(),
        settings.osrm_timeout_s,
        settings.osrm_attempts,
        settings.osrm_backoff_s,
    )
