"""Settings of the scraping service, read once from the environment."""

from __future__ import annotations

from shared.config import BaseServiceSettings


class Settings(BaseServiceSettings):
    """Scraping service settings (common ones come from BaseServiceSettings)."""

    service_name: str = "scraping_service"
