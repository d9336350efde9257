"""JSON log lines (one object per line) and gunicorn's access line without the query string.

Kept free of Flask and prometheus_client: gunicorn.conf.py imports it in the gunicorn master,
which must not import prometheus_client before `PROMETHEUS_MULTIPROC_DIR` is set."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from shared.correlation import current_correlation_id, current_request_id

# gunicorn's access log line without the query string (%(U)s is the path only): a query can
# carry personal data, and access logs are never reached by an erasure.
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'

_RESERVED = set(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    """One JSON object per line; carries the request_id / correlation_id of the current request,
    consumed event or job run (see shared/correlation.py)."""

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
        entry["request_id"] = current_request_id()
        entry["correlation_id"] = current_correlation_id()
        entry.update({k: v for k, v in vars(record).items() if k not in _RESERVED})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
