"""Web entry point: `gunicorn 'communication_service.app:create_app()'`."""

from __future__ import annotations

from typing import Any

from flask import Flask

from communication_service import services
from communication_service.api import ROUTES
from communication_service.clients import Directory, HttpDirectory
from communication_service.config import Settings
from communication_service.context import CommunicationContext
from communication_service.mailer import SmtpConfig, SmtpMailer
from communication_service.models import metadata
from communication_service.rendering import Renderer
from communication_service.sending import DeliveryProbe, UnknownDelivery
from shared.clock import Clock
from shared.context import build_context
from shared.http.app_factory import create_service_app
from shared.http.auth import issue_token
from shared.jobs import Job


def create_app(
    settings: Settings | None = None, clock: Clock | None = None, **overrides: Any
) -> Flask:
    """Build the communication service app; settings are read here, once, unless injected."""
    ctx = build_service_context(settings or Settings(), clock, **overrides)
    return create_service_app(ctx, "Communication service", ROUTES)


def build_service_context(
    settings: Settings,
    clock: Clock | None = None,
    directory: Directory | None = None,
    mailer: Any = None,
    probe: DeliveryProbe | None = None,
) -> CommunicationContext:
    """The shared context plus clients (built once), rules and the three jobs."""
    smtp = smtp_config(settings)
    ctx = build_context(
        CommunicationContext,
        settings,
        metadata,
        clock,
        rules=settings.outreach_rules(),
        retry=settings.retry_rules(),
        per_practice=settings.limit_outreach_per_practice,
        renderer=Renderer(settings.sender()),
        smtp=smtp,
        mailer=mailer or SmtpMailer(smtp),
        probe=probe or UnknownDelivery(),
        directory=directory or http_directory(settings),
        sending_timeout_s=settings.sending_timeout_s,
        batch_size=settings.send_batch_size,
        call_rules=settings.call_rules(),
        default_window=settings.default_phone_window,
    )
    ctx.jobs.add(
        Job("outreach", lambda now: services.run_outreach(ctx, now), settings.outreach_interval_s)
    )
    ctx.jobs.add(
        Job("send-emails", lambda now: services.send_emails(ctx, now), settings.send_interval_s)
    )
    ctx.jobs.add(
        Job(
            "follow-ups",
            lambda now: services.run_follow_ups(ctx, now),
            settings.follow_ups_interval_s,
        )
    )
    return ctx


def smtp_config(settings: Settings) -> SmtpConfig:
    """SMTP host, port, TLS and auth from settings."""
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpConfig(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_starttls,
        settings.smtp_ssl,
        settings.smtp_username,
        password,
        settings.smtp_timeout_s,
        settings.mail_from,
        settings.mail_sender_name,
        settings.message_id_domain,
    )


def http_directory(settings: Settings) -> HttpDirectory:
    """Therapist and patient services with a role-`service` token (fresh per call)."""
    secret = settings.jwt_secret.get_secret_value()
    return HttpDirectory(
        settings.therapist_service_url,
        settings.patient_service_url,
        lambda: issue_token(secret, "communication_service", "service"),
        settings.http_timeout_s,
    )
