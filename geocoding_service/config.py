"""Settings of the geocoding service, read once from the environment."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.travel_settings import TravelSettings


class Settings(TravelSettings):
    """Geocoding service settings (common ones come from BaseServiceSettings).

    Every travel factor is an estimate, documented here: detour factor = road / straight-line
    distance (larger under `short_distance_km`), speeds are door-to-door averages, access time is
    parking, waiting or walking to the stop.
    """

    service_name: str = "geocoding_service"

    # "offline" = postal-code centroids only (no network); "nominatim" = street level first.
    geocoding_provider: Literal["offline", "nominatim"] = "offline"
    nominatim_scheme: Literal["http", "https"] = "https"
    nominatim_host: str = "nominatim.openstreetmap.org"
    nominatim_port: int | None = Field(default=None, ge=1, le=65535)
    nominatim_user_agent: str = "psymatch-geocoding/0.1"
    nominatim_timeout_s: float = Field(default=10.0, gt=0)
    nominatim_min_interval_s: float = Field(default=1.0, ge=0)  # public host: 1 request/s
    nominatim_attempts: int = Field(default=3, ge=1, le=10)
    nominatim_backoff_s: float = Field(default=1.0, ge=0)

    osrm_base_url: str | None = None  # e.g. http://127.0.0.1:5000; None = estimate only
    osrm_timeout_s: float = Field(default=5.0, gt=0)
    osrm_attempts: int = Field(default=2, ge=1, le=10)
    osrm_backoff_s: float = Field(default=0.5, ge=0)
    osrm_profile_car: str = "driving"
    osrm_profile_bicycle: str = "cycling"
    osrm_profile_walk: str = "foot"

    cache_ttl_s: int = Field(default=90 * 86400, ge=0)
    cache_negative_ttl_s: int = Field(default=3600, ge=0)

    max_destinations: int = Field(default=1000, ge=1, le=1000)

    def osrm_profiles(self) -> dict[str, str]:
        """OSRM profile per travel mode (OSRM has no public transport)."""
        return {
            "car": self.osrm_profile_car,
            "bicycle": self.osrm_profile_bicycle,
            "walk": self.osrm_profile_walk,
        }
