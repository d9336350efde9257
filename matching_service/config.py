"""Settings of the matching service, read once from the environment."""

from __future__ import annotations

from shared.config import BaseServiceSettings


class Settings(BaseServiceSettings):
    """Matching service settings (common ones come from BaseServiceSettings)."""

    service_name: str = "matching_service"
