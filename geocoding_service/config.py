"""Settings of the geocoding service, read once from the environment."""

from __future__ import annotations

from shared.config import BaseServiceSettings


class Settings(BaseServiceSettings):
    """Geocoding service settings (common ones come from BaseServiceSettings)."""

    service_name: str = "geocoding_service"
