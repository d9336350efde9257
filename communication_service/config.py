"""Settings of the communication service, read once from the environment.

Every business number of the outreach rules lives here, once (docs/domain.md "one place").
"""

from __future__ import annotations

from typing import Any

from limits import parse as parse_rate_limit
from pydantic import Field, SecretStr, field_validator, model_validator

from communication_service.domain.answer_links import AnswerLinkRules, AnswerLinkSigner
from communication_service.domain.emails import RetryRules
from communication_service.domain.follow_ups import CallRules
from communication_service.domain.outreach import OutreachRules
from communication_service.domain.slots import SlotRules
from shared import rules
from shared.config import BaseServiceSettings, local_url, weak_secret_reason
from shared.vocabulary import CoolingAfter
from shared.weekly_windows import parse

DEV_ANSWER_LINK_SECRET = "dev-only-insecure-answer-link-secret"  # noqa: S105 - refused in production


class Settings(BaseServiceSettings):
    """Communication service settings (common ones come from BaseServiceSettings)."""

    service_name: str = "communication_service"

    min_days_between_emails: int = Field(default=rules.MIN_DAYS_BETWEEN_EMAILS, ge=1)
    max_patients_per_email: int = Field(default=rules.MAX_PATIENTS_PER_EMAIL, ge=1)
    cooling_period_days: int = Field(default=rules.COOLING_PERIOD_DAYS, ge=0)
    # which answers start it (matching reads the same setting)
    cooling_after: CoolingAfter = CoolingAfter(rules.COOLING_AFTER)
    max_send_attempts: int = Field(default=rules.MAX_SEND_ATTEMPTS, ge=1)
    send_backoff_base_s: float = 60.0
    send_backoff_max_s: float = 3600.0
    limit_outreach_per_practice: bool = True

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
    call_outcome_grace_hours: int = Field(default=rules.CALL_OUTCOME_GRACE_HOURS, ge=0)
    skip_holidays: bool = True
    holiday_region: str | None = None
    # Used when a therapist has no phone hours (the call is then flagged for staff).
    default_phone_window: dict[str, list[str]] = {
        day: ["10:00-12:00"] for day in ("mon", "tue", "wed", "thu", "fri")
    }
    follow_ups_interval_s: float = 300.0

    sending_timeout_s: float = 600.0
    send_batch_size: int = Field(
        default=50,
        ge=1,
        description="Batch of the send-emails job: drafts composed per transaction, due e-mails "
        "read ahead per query and sent over one SMTP connection (each e-mail still has its own "
        "commit before it is handed over)",
    )
    outreach_interval_s: float = 60.0
    send_interval_s: float = 10.0
    http_timeout_s: float = 5.0

    public_base_url: str = Field(
        default=local_url("communication_service"),
        description="Where practices reach the answer pages (`<url>/antwort/<token>`): the public "
        "address of this service; https in production",
    )
    answer_link_secret: SecretStr = Field(
        default=SecretStr(DEV_ANSWER_LINK_SECRET),
        description="Signs the answer links and page tokens of outreach e-mails (refused at its "
        "dev default in production; changing it invalidates every link sent)",
    )
    request_expiry_days: int = Field(
        default=rules.REQUEST_EXPIRY_DAYS,
        ge=1,
        description="Answer links expire this many days after their e-mail was sent (matching "
        "expires the requests after the same number of days)",
    )
    answer_page_max_age_s: int = Field(
        default=3600, ge=60, description="How long an opened answer page may be confirmed"
    )
    answer_link_rate_limit: str = Field(
        default="20/minute", description="Requests per answer link (opening and confirming)"
    )

    @field_validator("default_phone_window")
    @classmethod
    def _valid_window(cls, value: Any) -> Any:
        if not parse(value):
            raise ValueError("DEFAULT_PHONE_WINDOW needs at least one weekly window")
        return value

    @field_validator("answer_link_rate_limit")
    @classmethod
    def _link_limit_parses(cls, value: str) -> str:
        parse_rate_limit(value)  # raises ValueError on a malformed limit
        return value

    @model_validator(mode="after")
    def _refuse_dev_link_secret_in_production(self) -> Settings:
        if self.environment == "production":
            reason = weak_secret_reason(
                self.answer_link_secret.get_secret_value(), DEV_ANSWER_LINK_SECRET
            )
            if reason:
                raise ValueError(f"ANSWER_LINK_SECRET {reason}: set a real secret in production")
            if not self.public_base_url.startswith("https://"):
                raise ValueError("PUBLIC_BASE_URL must be an https:// address in production")
        return self

    def answer_link_rules(self) -> AnswerLinkRules:
        """Where answer links point, how long they and an opened page stay valid."""
        return AnswerLinkRules(
            self.public_base_url.rstrip("/"),
            self.request_expiry_days,
            self.answer_page_max_age_s,
            self.mail_sender_phone,
        )

    def answer_link_signer(self) -> AnswerLinkSigner:
        """Signs and checks answer links and page tokens with ANSWER_LINK_SECRET."""
        return AnswerLinkSigner(self.answer_link_secret.get_secret_value())

    def outreach_rules(self) -> OutreachRules:
        """The contact limits for the planner (per practice when so configured)."""
        return OutreachRules(
            self.min_days_between_emails,
            self.max_patients_per_email,
            self.cooling_period_days,
            self.limit_outreach_per_practice,
            self.cooling_after,
        )

    def retry_rules(self) -> RetryRules:
        """Sending attempts and backoff."""
        return RetryRules(self.max_send_attempts, self.send_backoff_base_s, self.send_backoff_max_s)

    def call_rules(self) -> CallRules:
        """Follow-up delay, call attempts and the slot finder's numbers."""
        slots = SlotRules(
            self.call_slot_minutes, self.call_horizon_days, self.skip_holidays, self.holiday_region
        )
        return CallRules(
            self.follow_up_after_days, self.max_call_attempts, slots, self.call_outcome_grace_hours
        )

    def sender(self) -> dict[str, str]:
        """Who the e-mails come from (template data)."""
        return {
            "name": self.mail_sender_name,
            "address": self.mail_sender_address,
            "email": self.mail_from,
            "phone": self.mail_sender_phone,
        }
