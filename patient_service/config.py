"""Settings of the patient service, read once from the environment."""

from __future__ import annotations

from shared.config import BaseServiceSettings


class Settings(BaseServiceSettings):
    """Patient service settings (common ones come from BaseServiceSettings)."""

    service_name: str = "patient_service"
