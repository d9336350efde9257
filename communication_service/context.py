"""What the communication service's use cases, resources and jobs receive."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from communication_service.clients import Directory
from communication_service.config import Settings
from communication_service.domain import OutreachRules, RetryRules
from communication_service.follow_ups import CallRules
from communication_service.mailer import SmtpConfig
from communication_service.rendering import Renderer
from communication_service.sending import DeliveryProbe
from shared.context import ServiceContext


@dataclass(kw_only=True)
class CommunicationContext(ServiceContext):
    """The shared parts plus outreach, retry and call rules, the renderer, SMTP, the mailer,
    the delivery probe and the directory of the therapist and patient services."""

    settings: Settings
    rules: OutreachRules
    retry: RetryRules
    per_practice: bool
    renderer: Renderer
    smtp: SmtpConfig
    mailer: Any
    probe: DeliveryProbe
    directory: Directory
    sending_timeout_s: float
    batch_size: int
    call_rules: CallRules
    default_window: dict[str, list[str]]
