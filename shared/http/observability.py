"""JSON logs with request and correlation ids, and Prometheus request metrics."""

from __future__ import annotations

import logging
import os
import time
import uuid

from flask import Flask, g, request
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from shared.correlation import CorrelationFilter, bind, unbind
from shared.json_logging import ACCESS_LOG_FORMAT as ACCESS_LOG_FORMAT  # re-exported
from shared.json_logging import JsonFormatter
from shared.kafka.relay import BACKLOG
from shared.outbox import unpublished_count

REQUESTS = Counter("http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
LATENCY = Histogram("http_request_duration_seconds", "HTTP latency", ["service", "method", "route"])

log = logging.getLogger(__name__)


def configure_logging(service: str, level: str) -> None:
    """Route the root logger to stderr as JSON (idempotent)."""
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter(service))
        handler.addFilter(CorrelationFilter())
        root.handlers = [handler]
    root.setLevel(level)
    logging.getLogger("kafka").setLevel(max(logging.WARNING, root.level))


def scrape_registry() -> Collector:
    """What `/metrics` answers from: under gunicorn (`PROMETHEUS_MULTIPROC_DIR`, set by
    gunicorn.conf.py) the files of every worker process, live and dead, so one scrape counts
    the requests of all of them; otherwise this process's default registry."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry


def install_request_hooks(app: Flask, service: str) -> None:
    """Request ids in and out, plus count and latency per route."""

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        g.request_id = _header_id("X-Request-ID") or str(uuid.uuid4())
        g.correlation_id = _header_id("X-Correlation-ID") or g.request_id
        g.correlation_tokens = bind(g.correlation_id, g.request_id)
        if request.path == "/metrics":
            refresh_outbox_backlog(app, service)

    @app.teardown_request
    def _unbind(_exc: BaseException | None) -> None:
        tokens = g.pop("correlation_tokens", None)
        if tokens is not None:
            unbind(tokens)

    @app.after_request
    def _finish(response):  # type: ignore[no-untyped-def]
        route = request.url_rule.rule if request.url_rule else "unmatched"
        REQUESTS.labels(service, request.method, route, response.status_code).inc()
        LATENCY.labels(service, request.method, route).observe(time.perf_counter() - g.started)
        response.headers["X-Request-ID"] = g.request_id
        response.headers["X-Correlation-ID"] = g.correlation_id
        return response


def _header_id(name: str) -> str | None:
    value = request.headers.get(name, "")
    return value if 0 < len(value) <= 100 and value.isprintable() else None


def refresh_outbox_backlog(app: Flask, service: str) -> None:
    """At scrape time, `outbox_backlog` from this service's own outbox (the web process has no
    relay; without this its /metrics would not show the backlog)."""
    ctx = app.extensions.get("psymatch")
    if ctx is None or "outbox" not in ctx.tables:
        return
    try:
        with ctx.session_factory() as session:
            BACKLOG.labels(service).set(unpublished_count(session, ctx.tables["outbox"]))
    except SQLAlchemyError as exc:  # the database is down: /ready says so, metrics still answer
        log.warning("outbox backlog not refreshed: %s", type(exc).__name__)
