"""Settings of the communication service, read once from the environment.

Every business number of the outreach rules lives here, once (docs/domain.md "one place").
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr, field_validator

from communication_service.domain.emails import RetryRules
from communication_service.domain.follow_ups import CallRules
from communication_service.domain.outreach import OutreachRules
from communication_service.domain.slots import SlotRules
from shared import rules
from shared.config import BaseServiceSettings
from shared.weekly_windows import parse


class Settings(BaseServiceSettings):
    """Communication service settings (common ones come from BaseServiceSettings)."""

    service_name: str = "communication_service"

    min_days_between_emails: int = Field(default=rules.MIN_DAYS_BETWEEN_EMAILS, ge=1)
    max_patients_per_email: int = Field(default=rules.MAX_PATIENTS_PER_EMAIL, ge=1)
    cooling_period_days: int = Field(default=rules.COOLING_PERIOD_DAYS, ge=0)
    max_send_attempts: int = Field(default=rules.MAX_SEND_ATTEMPTS, ge=1)
    send_backoff_base_s: float = 60.0
    send_backoff_max_s: float = 3600.0
    limit_outreach_per_practice: bool = False

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_s: float = 10.0
    mail_from: str = "vermittlung@psymatch.example"
    mail_sender_name: str = "Psymatch Therapieplatzvermittlung"
    mail_sender_address: str = "Musterweg 1, 52062 Aachen"
    mail_sender_phone: str = "0241 000000"
    message_id_domain: str = "psymatch.example"

    follow_up_after_days: int = Field(default=rules.FOLLOW_UP_AFTER_DAYS, ge=1)
    max_call_attempts: int = Field(default=rules.MAX_CALL_ATTEMPTS, ge=1)
    call_slot_minutes: int = Field(default=rules.CALL_SLOT_MINUTES, ge=1)
    call_horizon_days: int = Field(default=rules.CALL_HORIZON_DAYS, ge=1)
    skip_holidays: bool = True
    holiday_region: str | None = None
    # Used when a therapist has no phone hours (the call is then flagged for staff).
    default_phone_window: dict[str, list[str]] = {
        day: ["10:00-12:00"] for day in ("mon", "tue", "wed", "thu", "fri")
    }
    follow_ups_interval_s: float = 300.0

    sending_timeout_s: float = 600.0
    send_batch_size: int = 50
    outreach_interval_s: float = 60.0
    send_interval_s: float = 10.0
    http_timeout_s: float = 5.0

    @field_validator("default_phone_window")
    @classmethod
    def _valid_window(cls, value: Any) -> Any:
        if not parse(value):
            raise ValueError("DEFAULT_PHONE_WINDOW needs at least one weekly window")
        return value

    def outreach_rules(self) -> OutreachRules:
        """The contact limits for the planner (per practice when so configured)."""
        return OutreachRules(
            self.min_days_between_emails,
            self.max_patients_per_email,
            self.cooling_period_days,
            self.limit_outreach_per_practice,
        )

    def retry_rules(self) -> RetryRules:
        """Sending attempts and backoff."""
        return RetryRules(self.max_send_attempts, self.send_backoff_base_s, self.send_backoff_max_s)

    def call_rules(self) -> CallRules:
        """Follow-up delay, call attempts and the slot finder's numbers."""
        slots = SlotRules(
            self.call_slot_minutes, self.call_horizon_days, self.skip_holidays, self.holiday_region
        )
        return CallRules(self.follow_up_after_days, self.max_call_attempts, slots)

    def sender(self) -> dict[str, str]:
        """Who the e-mails come from (template data)."""
        return {
            "name": self.mail_sender_name,
            "address": self.mail_sender_address,
            "email": self.mail_from,
            "phone": self.mail_sender_phone,
        }
