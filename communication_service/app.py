"""Web entry point: `gunicorn 'communication_service.app:create_app()'`; the composition root."""

from __future__ import annotations

from typing import Any

from flask import Flask

from communication_service.api import PUBLIC_ROUTES, ROUTES
from communication_service.clients.directory import HttpDirectory
from communication_service.clients.rendering import Renderer
from communication_service.clients.smtp import SmtpConfig, SmtpMailer, UnknownDelivery
from communication_service.config import Settings
from communication_service.context import CommunicationContext
from communication_service.domain.answer_links import ANSWER_PATH
from communication_service.models import metadata
from communication_service.services import call_jobs, outreach, sending
from shared.clock import Clock
from shared.context import build_context
from shared.http.app_factory import PublicRouteLimit, create_service_app
from shared.http.auth import service_token_factory
from shared.jobs import Job


def create_app(
    settings: Settings | None = None, clock: Clock | None = None, **dependencies: Any
) -> Flask:
    """Build the communication service app; settings are read here, once, unless injected."""
    ctx = build_service_context(settings or Settings(), clock, **dependencies)
    limits = [PublicRouteLimit(ANSWER_PATH, ctx.settings.answer_link_rate_limit)]
    return create_service_app(
        ctx, "Communication service", [*ROUTES, *PUBLIC_ROUTES], public_limits=limits
    )


def build_service_context(
    settings: Settings, clock: Clock | None = None, **dependencies: Any
) -> CommunicationContext:
    """The shared context plus this service's rules and clients (or the given `dependencies`:
    directory, mailer, probe, ...), and its three jobs."""
    parts = {**build_dependencies(settings), **dependencies}
    ctx = build_context(CommunicationContext, settings, metadata, clock, **parts)
    ctx.jobs.add(
        Job("outreach", lambda now: outreach.run_outreach(ctx, now), settings.outreach_interval_s)
    )
    ctx.jobs.add(
        Job("send-emails", lambda now: sending.send_emails(ctx, now), settings.send_interval_s)
    )
    ctx.jobs.add(
        Job(
            "follow-ups",
            lambda now: call_jobs.run_follow_ups(ctx, now),
            settings.follow_ups_interval_s,
        )
    )
    return ctx


def build_dependencies(settings: Settings) -> dict[str, Any]:
    """Rules, renderer, SMTP (mailer and probe) and the directory, from settings."""
    smtp = smtp_config(settings)
    return {
        "outreach_rules": settings.outreach_rules(),
        "retry_rules": settings.retry_rules(),
        "call_rules": settings.call_rules(),
        "default_window": settings.default_phone_window,
        "renderer": Renderer(settings.sender()),
        "smtp": smtp,
        "mailer": SmtpMailer(smtp),
        "probe": UnknownDelivery(),
        "directory": http_directory(settings),
        "sending_timeout_s": settings.sending_timeout_s,
        "batch_size": settings.send_batch_size,
        "answer_link_rules": settings.answer_link_rules(),
        "answer_link_signer": settings.answer_link_signer(),
    }


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
    return HttpDirectory(
        settings.therapist_service_url,
        settings.patient_service_url,
        service_token_factory(settings, "communication_service"),
        settings.http_timeout_s,
    )
