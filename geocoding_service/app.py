"""Web entry point: `gunicorn 'geocoding_service.app:create_app()'`."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from geocoding_service import services
from geocoding_service.api import register_routes
from geocoding_service.cache import CachePolicy
from geocoding_service.config import Settings
from geocoding_service.models import metadata
from geocoding_service.providers import (
    GeocodingChain,
    MinIntervalLimiter,
    NominatimGeocoder,
    PostalCodeGeocoder,
    build_nominatim,
)
from geocoding_service.routing import OsrmRouter
from shared.clock import Clock
from shared.http.app_factory import ServiceContext, create_service_app
from shared.jobs import Job
from shared.service import build_context

PURGE_INTERVAL_S = 6 * 3600


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    """Build the geocoding service app; settings are read here, once, unless injected."""
    ctx = build_service_context(settings or Settings(), clock)
    return create_service_app(ctx, "Geocoding service", register_routes)


def build_service_context(settings: Settings, clock: Clock | None = None) -> ServiceContext:
    """The shared context plus this service's providers, estimator factors and jobs."""
    ctx = build_context(settings, metadata, clock)
    ctx.extra.update(build_providers(settings))
    ctx.jobs.add(
        Job(
            "purge-geocode-cache",
            lambda now: services.purge_expired_cache(ctx, now),
            PURGE_INTERVAL_S,
        )
    )
    return ctx


def build_providers(settings: Settings) -> dict[str, object]:
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
