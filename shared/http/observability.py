"""JSON logs with request and correlation ids, and Prometheus request metrics."""

from __future__ import annotations

import json
import logging
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request
from prometheus_client import Counter, Histogram

REQUESTS = Counter("http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
LATENCY = Histogram("http_request_duration_seconds", "HTTP latency", ["service", "method", "route"])

_RESERVED = set(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    """One JSON object per line; carries request_id / correlation_id inside a request."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "service": self.service,
            "message": record.getMessage(),
        }
        if has_request_context():
            entry["request_id"] = getattr(g, "request_id", None)
            entry["correlation_id"] = getattr(g, "correlation_id", None)
        entry.update({k: v for k, v in vars(record).items() if k not in _RESERVED})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(service: str, level: str) -> None:
    """Route the root logger to stderr as JSON (idempotent)."""
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter(service))
        root.handlers = [handler]
    root.setLevel(level)
    logging.getLogger("kafka").setLevel(max(logging.WARNING, root.level))


def install_request_hooks(app: Flask, service: str) -> None:
    """Request ids in and out, plus count and latency per route."""

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        g.request_id = _header_id("X-Request-ID") or str(uuid.uuid4())
        g.correlation_id = _header_id("X-Correlation-ID") or g.request_id

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
