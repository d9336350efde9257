"""`create_app()`: the staff console (gunicorn `staff_console.app:create_app()`, port 8000)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, flash, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import sessionmaker

from shared.http.auth import issue_console_token
from staff_console import formatting, views
from staff_console.clock import StackTime
from staff_console.config import ConsoleSettings
from staff_console.lockout import LockoutRule
from staff_console.models import ROLE_LABELS, Account
from staff_console.services import ServiceClient, ServiceUnavailable
from staff_console.web import PUBLIC_ENDPOINTS, Person, db, services, session_expired

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def create_app(settings: ConsoleSettings | None = None, **overrides: Any) -> Flask:
    settings = settings or ConsoleSettings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.console_secret_key.get_secret_value(),
        SESSION_COOKIE_NAME="psymatch_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.console_idle_minutes),
        WTF_CSRF_TIME_LIMIT=None,  # the session's idle timeout bounds it
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
        **overrides,
    )
    app.extensions["console_settings"] = settings
    app.extensions["console_lockout"] = LockoutRule(
        settings.console_max_failed_logins, timedelta(minutes=settings.console_lockout_minutes)
    )
    engine = create_engine(settings.db_url(), pool_pre_ping=True, pool_size=5)
    app.extensions["console_engine"] = engine
    app.extensions["console_sessions"] = sessionmaker(engine, expire_on_commit=False)
    app.extensions["console_services"] = ServiceClient(
        settings.service_urls(), _token_minter(settings), settings.console_service_timeout_s
    )
    app.extensions["console_clock"] = StackTime(
        _stack_time if settings.console_follow_stack_clock else None
    )
    CSRFProtect(app)
    _install_hooks(app, settings)
    formatting.register(app)
    views.register(app)
    return app


def _stack_time() -> datetime:
    """The stack's time, asked of the patient service as the logged-in person."""
    return datetime.fromisoformat(services().get("patient", "/api/clock")["now"])


def _token_minter(settings: ConsoleSettings):
    key = settings.console_jwt_private_key

    def mint(role: str) -> str:
        if key is None:
            raise RuntimeError("CONSOLE_JWT_PRIVATE_KEY is not set")
        who: Person = g.person
        if role not in who.roles:
            raise PermissionError(f"{who.username} may not act as {role}")
        tokens = g.setdefault("service_tokens", {})
        if role not in tokens:
            tokens[role] = issue_console_token(key.get_secret_value(), who.username, role)
        return tokens[role]

    return mint


def _install_hooks(app: Flask, settings: ConsoleSettings) -> None:
    _session_hooks(app, settings.console_idle_minutes * 60)
    _error_pages(app)
    _probes(app)


def _session_hooks(app: Flask, idle_s: float) -> None:
    """Who is logged in (or a redirect to the login), one transaction per request, headers."""
    app.before_request(lambda: _load_person(idle_s))
    app.teardown_request(_end_transaction)

    @app.after_request
    def headers(response: Any) -> Any:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.context_processor
    def layout() -> dict[str, Any]:
        return {"me": g.get("person"), "role_labels": ROLE_LABELS}


def _load_person(idle_s: float) -> Any:
    """`g.person` for the request; None on public pages; a redirect when there is no session,
    it was idle too long, the account is gone or disabled, or its password must change."""
    g.person = None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    account_id = session.get("account_id")
    if account_id is None:
        return redirect(url_for("login.login", next=request.full_path))
    if session_expired(idle_s):
        session.clear()
        flash("Ihre Sitzung ist wegen Inaktivität abgelaufen. Bitte melden Sie sich neu an.")
        return redirect(url_for("login.login", next=request.full_path))
    account = db().scalar(select(Account).where(Account.id == account_id))
    if account is None or not account.active:
        session.clear()
        flash("Ihr Konto ist nicht mehr aktiv.")
        return redirect(url_for("login.login"))
    g.person = Person(account.id, account.username, account.display_name, account.role)
    session["seen"] = time.time()
    if account.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        return redirect(url_for("login.password"))
    return None


PASSWORD_CHANGE_ENDPOINTS = ("login.password", "login.logout", "static")


def _end_transaction(exc: BaseException | None) -> None:
    """Commit the request's console transaction, or roll it back when the request failed."""
    session_ = g.pop("db", None)
    if session_ is None:
        return
    try:
        if exc is None:
            session_.commit()
        else:
            session_.rollback()
    finally:
        session_.close()


def _error_pages(app: Flask) -> None:
    """German pages for an outage, a stale form, a wrong role, an unknown page, a large file."""

    @app.errorhandler(ServiceUnavailable)
    def outage(exc: ServiceUnavailable) -> Any:
        return render_template("outage.html", message=exc.message), 503

    @app.errorhandler(CSRFError)
    def csrf(exc: CSRFError) -> Any:
        return render_template(
            "error.html",
            title="Formular abgelaufen",
            message="Das Formular war nicht mehr gültig (Sicherheitsprüfung). Bitte laden Sie "
            "die Seite neu und senden Sie es noch einmal.",
        ), 400

    @app.errorhandler(403)
    def forbidden(exc: Any) -> Any:
        return render_template(
            "error.html",
            title="Kein Zugriff",
            message="Diese Seite ist der Administration vorbehalten.",
        ), 403

    @app.errorhandler(404)
    def not_found(exc: Any) -> Any:
        return render_template(
            "error.html", title="Nicht gefunden", message="Diese Seite gibt es nicht."
        ), 404

    @app.errorhandler(413)
    def too_large(exc: Any) -> Any:
        return render_template(
            "error.html", title="Datei zu groß", message="Höchstens 64 MiB pro Upload."
        ), 413


def _probes(app: Flask) -> None:
    """Liveness and readiness (its database) for `make up` and compose's health checks."""

    @app.get("/health")
    def health() -> Any:
        return {"status": "ok"}

    @app.get("/ready")
    def ready() -> Any:
        try:
            with app.extensions["console_engine"].connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means not ready
            return {"status": "unavailable", "checks": {"database": "down"}}, 503
        return {"status": "ready", "checks": {"database": "ok"}}
