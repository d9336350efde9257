"""The routes of every service: health, readiness, metrics, OpenAPI, docs, jobs, audit, pipeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, current_app, jsonify, request
from flask_restful import Resource
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import AwareDatetime, BaseModel, ConfigDict

from shared.context import ServiceContext
from shared.http.audit import AuditListResource
from shared.http.docs import ASSETS, ASSETS_PATH, asset_bytes, render_docs
from shared.http.errors import ApiError
from shared.http.observability import scrape_registry
from shared.http.operations import operation
from shared.http.pipeline import PipelineResource
from shared.jobs import JobRunner


def context() -> ServiceContext:
    """The current app's service context (inside a request)."""
    return current_app.extensions["psymatch"]


class JobRunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    as_of: AwareDatetime | None = None


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
        return Response(generate_latest(scrape_registry()), mimetype=CONTENT_TYPE_LATEST)


class OpenApiResource(Resource):
    @operation("This OpenAPI document", roles=None, tags=("ops",))
    def get(self) -> Response:
        return jsonify(current_app.extensions["openapi"])


class DocsResource(Resource):
    @operation("API documentation (Swagger UI)", roles=None, tags=("ops",))
    def get(self) -> Response:
        return Response(render_docs(current_app.extensions["openapi"]), mimetype="text/html")


class DocsAssetResource(Resource):
    @operation(
        "A file of the Swagger UI page (stylesheet, scripts)",
        roles=None,
        tags=("ops",),
        responses={200: ("The file", None), 404: ("No such file", None)},
    )
    def get(self, name: str) -> Response:
        content = asset_bytes(name)
        if content is None:
            raise ApiError(404, f"No documentation file named '{name}'.")
        response = Response(content, mimetype=ASSETS[name])
        response.cache_control.public = True
        response.cache_control.max_age = 3600
        return response


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
    (DocsAssetResource, f"{ASSETS_PATH}/<string:name>"),
    (JobListResource, "/api/jobs"),
    (JobRunResource, "/api/jobs/<string:name>/run"),
    (AuditListResource, "/api/audit"),
    (PipelineResource, "/api/pipeline"),
]
