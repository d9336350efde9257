"""Settings of the communication service, read once from the environment."""

from __future__ import annotations

from shared.config import BaseServiceSettings


class Settings(BaseServiceSettings):
    """Communication service settings (common ones come from BaseServiceSettings)."""

    service_name: str = "communication_service"
