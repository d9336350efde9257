"""Settings of the patient service, read once from the environment."""

from __future__ import annotations

from pydantic import Field

from shared import rules
from shared.config import BaseServiceSettings


class Settings(BaseServiceSettings):
    """Patient service settings (common ones come from BaseServiceSettings)."""

    service_name: str = "patient_service"

    geocoding_timeout_s: float = Field(default=2.0, gt=0)
    geocoding_attempts: int = Field(default=2, ge=1, le=10)
    geocoding_backoff_s: float = Field(default=0.2, ge=0)
    resolve_locations_interval_s: float = Field(default=300.0, gt=0)
    announce_birthdays_interval_s: float = Field(
        default=86_400.0,
        gt=0,
        description="How often announce-birthdays publishes the new age of patients born today",
    )
    # Each read of another service during a GDPR export (Art. 15/20).
    export_timeout_s: float = Field(default=10.0, gt=0)
    # The job `consistency-check`: this service's statuses against matching and communication.
    consistency_check_interval_s: float = Field(default=rules.CONSISTENCY_CHECK_INTERVAL_S, gt=0)
