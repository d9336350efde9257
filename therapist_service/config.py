"""Settings of the therapist service, read once from the environment."""

from __future__ import annotations

from shared.config import BaseServiceSettings


class Settings(BaseServiceSettings):
    """Therapist service settings (common ones come from BaseServiceSettings)."""

    service_name: str = "therapist_service"
