"""The Flask app every service starts from: context, auth, errors, health, metrics, docs, jobs."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, Response, current_app, jsonify
from flask_restful import Api, Resource
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import AwareDatetime, BaseModel, ConfigDict
from sqlalchemy import Engine, Table
from sqlalchemy.orm import Session, sessionmaker

from shared.audit import audit_writer
from shared.clock import OverridableClock
from shared.config import BaseServiceSettings
from shared.db import ping
from shared.http.audit import AuditListResource, install_audit_trail
from shared.http.auth import TokenVerifier
from shared.http.cors import install_cors
from shared.http.errors import ApiError, render_error
from shared.http.limits import document_rate_limit, install_rate_limit
from shared.http.observability import configure_logging, install_request_hooks
from shared.http.openapi import build_openapi
from shared.http.operations import operation
from shared.jobs import JobRegistry, JobRunner
from shared.kafka.health import BrokerProbe
from shared.migrations_check import current_revision, expected_head
from shared.outbox import OutboxWriter


@dataclass
class ServiceContext:
    """Everything a service's resources and use cases receive (built once per process)."""

    settings: BaseServiceSettings
    engine: Engine
    session_factory: sessionmaker[Session]
    tables: dict[str, Table]
    clock: OverridableClock
    outbox: OutboxWriter
    jobs: JobRegistry = field(default_factory=JobRegistry)
    extra: dict[str, Any] = field(default_factory=dict)


def context() -> ServiceContext:
    """The current app's service context (inside a request)."""
    return current_app.extensions["psymatch"]


class ServiceApi(Api):
    """flask-restful Api whose errors use the platform's JSON error body."""

    def handle_error(self, e: Exception) -> Response:  # noqa: N802 - flask-restful's name
        return render_error(e)


class JobRunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    as_of: AwareDatetime | None = None


def create_service_app(
    ctx: ServiceContext, title: str, register: Callable[[Api], None] | None = None
) -> Flask:
    """Build the app: core routes first, then the service's own resources via `register`."""
    settings = ctx.settings
    configure_logging(settings.service_name, settings.log_level)
    app = Flask(settings.service_name)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["psymatch"] = ctx
    app.extensions["token_verifier"] = _verifier(settings)
    app.extensions["health"] = HealthChecks(ctx)
    install_request_hooks(app, settings.service_name)
    install_rate_limit(app, settings)
    install_cors(app, settings)
    install_audit_trail(app, audit_writer(ctx.session_factory, ctx.tables), ctx.clock)
    app.register_error_handler(Exception, render_error)
    api = ServiceApi(app, catch_all_404s=True)
    for resource, url in CORE_RESOURCES:
        api.add_resource(resource, url)
    if register is not None:
        register(api)
    app.extensions["openapi"] = document_rate_limit(build_openapi(app, title), settings)
    return app


def _verifier(settings: BaseServiceSettings) -> TokenVerifier:
    if settings.jwt_algorithm == "RS256":
        if not settings.jwt_public_key:
            raise ValueError("JWT_PUBLIC_KEY is required for RS256")
        return TokenVerifier(settings.jwt_public_key, "RS256", settings.jwt_issuer)
    return TokenVerifier(settings.jwt_secret.get_secret_value(), "HS256", settings.jwt_issuer)


class HealthChecks:
    """Readiness: database answers, schema at the migration head, broker answers."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._broker = BrokerProbe(ctx.settings.kafka_bootstrap_servers)
        self._head = expected_head(ctx.settings.service_name)
        self._at_head = False

    def report(self) -> dict[str, str]:
        return {
            "database": self._database(),
            "migrations": self._migrations(),
            "broker": "ok" if self._broker.reachable() else "unreachable",
        }

    def _database(self) -> str:
        try:
            ping(self._ctx.engine)
            return "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            return f"unavailable ({type(exc).__name__})"

    def _migrations(self) -> str:
        if not self._at_head:
            try:
                revision = current_revision(self._ctx.engine, self._ctx.settings.db_schema)
            except Exception:  # noqa: BLE001
                return "unknown (database unavailable)"
            self._at_head = revision == self._head
            if not self._at_head:
                return f"behind (at {revision}, head {self._head})"
        return "ok"


class HealthResource(Resource):
    @operation("Liveness: the process answers", roles=None, tags=("ops",))
    def get(self) -> Any:
        return {"status": "ok", "service": context().settings.service_name}


class ReadyResource(Resource):
    @operation(
        "Readiness: database, migrations, broker",
        roles=None,
        tags=("ops",),
        responses={200: ("Ready", None), 503: ("Not ready", None)},
    )
    def get(self) -> Any:
        checks = current_app.extensions["health"].report()
        ready = all(v == "ok" for v in checks.values())
        body = {"status": "ready" if ready else "not_ready", "checks": checks}
        if not ready:
            body["error"] = {
                "code": "service_unavailable",
                "message": "Not ready.",
                "details": checks,
            }
        return body, 200 if ready else 503


class MetricsResource(Resource):
    @operation("Prometheus metrics", roles=None, tags=("ops",))
    def get(self) -> Response:
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


class OpenApiResource(Resource):
    @operation("This OpenAPI document", roles=None, tags=("ops",))
    def get(self) -> Response:
        return jsonify(current_app.extensions["openapi"])


class DocsResource(Resource):
    @operation("Human-readable API overview", roles=None, tags=("ops",))
    def get(self) -> Response:
        return Response(render_docs(current_app.extensions["openapi"]), mimetype="text/html")


class JobListResource(Resource):
    @operation("Jobs this service runs", roles=("admin",), tags=("jobs",))
    def get(self) -> Any:
        return {
            "items": [{"name": j.name, "interval_s": j.interval_s} for j in context().jobs.all()]
        }


class JobRunResource(Resource):
    @operation(
        "Run a job now (as_of only with ALLOW_CLOCK_OVERRIDE)",
        roles=("admin",),
        tags=("jobs",),
        responses={200: ("Job result", None), 404: ("No such job", None)},
        audit=("job", "name"),
    )
    def post(self, name: str) -> Any:
        ctx = context()
        job = ctx.jobs.get(name)
        if job is None:
            raise ApiError(404, f"No job named '{name}'.")
        as_of = _as_of_from_body(ctx)
        runner = JobRunner(
            ctx.settings.service_name, ctx.session_factory, ctx.tables["job_runs"], ctx.clock
        )
        ctx.clock.pin(as_of)
        try:
            return runner.run(job, "api", as_of)
        finally:
            ctx.clock.pin(None)


def _as_of_from_body(ctx: ServiceContext) -> datetime | None:
    from flask import request

    raw = request.get_json(silent=True) if request.get_data() else {}
    if raw is None or not isinstance(raw, dict):
        raise ApiError(400, "Send a JSON object (or no body).", "validation_error")
    as_of = JobRunRequest.model_validate(raw).as_of
    if as_of is not None and not ctx.settings.allow_clock_override:
        raise ApiError(403, "as_of needs ALLOW_CLOCK_OVERRIDE=true.", "clock_override_disabled")
    return as_of


CORE_RESOURCES = [
    (HealthResource, "/health"),
    (ReadyResource, "/ready"),
    (MetricsResource, "/metrics"),
    (OpenApiResource, "/openapi.json"),
    (DocsResource, "/docs"),
    (JobListResource, "/api/jobs"),
    (JobRunResource, "/api/jobs/<string:name>/run"),
    (AuditListResource, "/api/audit"),
]


def render_docs(spec: dict[str, Any]) -> str:
    """A dependency-free HTML overview of the OpenAPI document (no CDN needed)."""
    rows = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            roles = ", ".join(op.get("x-roles", [])) or "public"
            rows.append(
                f"<tr><td>{method.upper()}</td><td><code>{html.escape(path)}</code></td>"
                f"<td>{html.escape(op['summary'])}</td><td>{roles}</td></tr>"
            )
    title = html.escape(spec["info"]["title"])
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><h1>{title}</h1><p><a href='/openapi.json'>openapi.json</a></p>"
        f"<table border='1'><tr><th>Method</th><th>Path</th><th>Summary</th><th>Roles</th>"
        f"</tr>{''.join(rows)}</table></body></html>"
    )
