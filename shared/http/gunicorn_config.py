"""gunicorn hooks of every web service: multiprocess metrics, JSON access and error logs.

Loaded by the repository's gunicorn.conf.py, in the gunicorn master before any worker exists:
so this module must not import prometheus_client (its value class is chosen at import, from
`PROMETHEUS_MULTIPROC_DIR`) nor the application."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import MutableMapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from gunicorn.glogging import Logger

from shared.json_logging import JsonFormatter

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
OWNER_ENV = "PSYMATCH_PROMETHEUS_MASTER"  # pid of the master that created the directory
_APP_URI = re.compile(r"([A-Za-z_]\w*)\.app:\w+(\(\))?")


def service_from_argv(argv: Sequence[str]) -> str:
    """The service named by gunicorn's application argument (`patient_service.app:create_app()`)."""
    for arg in argv[1:]:
        match = _APP_URI.fullmatch(arg)
        if match:
            return match.group(1)
    return "web"


def prepare_multiproc_dir(
    service: str, environ: MutableMapping[str, str] = os.environ, base: str | None = None
) -> Path:
    """A fresh, empty directory for this master's workers' metric files, put into
    `PROMETHEUS_MULTIPROC_DIR` before any worker is forked. A configuration reload (SIGHUP) in
    the same master keeps the directory, so counters survive it."""
    current = environ.get(MULTIPROC_ENV)
    if current and environ.get(OWNER_ENV) == str(os.getpid()) and Path(current).is_dir():
        return Path(current)
    if base is None and os.access("/dev/shm", os.W_OK):
        base = "/dev/shm"  # tmpfs: metric writes never touch a disk
    path = Path(tempfile.mkdtemp(prefix=f"prometheus-{service}-", dir=base))
    environ[MULTIPROC_ENV] = str(path)
    environ[OWNER_ENV] = str(os.getpid())
    return path


def child_exit(server: Any, worker: Any) -> None:
    """gunicorn hook (master): a worker's live gauges stop counting once it is gone."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """gunicorn hook (master): remove the metric files directory this master created."""
    path = os.environ.get(MULTIPROC_ENV)
    if path and os.environ.get(OWNER_ENV) == str(os.getpid()):
        shutil.rmtree(path, ignore_errors=True)


class JsonLogger(Logger):
    """gunicorn's logger with JSON lines: the error log like the application's log, the
    access log with the request id and without the query string."""

    service = "web"

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        formatter = JsonFormatter(self.service)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter)

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        atoms = self.atoms_wrapper_class(self.atoms(resp, req, environ, request_time))
        fields = access_fields(atoms)
        try:
            # The message is cfg.access_log_format (ACCESS_LOG_FORMAT: the path, no query).
            self.access_log.info(self.cfg.access_log_format, atoms, extra=fields)
        except Exception:  # noqa: BLE001 - as gunicorn's own access(): never fail a request
            self.exception("access log line failed")


def access_fields(atoms: Any) -> dict[str, Any]:
    """The structured part of an access line; `path` is PATH_INFO, never the query string."""

    def header(name: str) -> str | None:
        value = atoms[f"{{{name}}}o"]
        return None if value == "-" else str(value)

    status = str(atoms["s"])
    return {
        "access": True,
        "method": atoms["m"],
        "path": atoms["U"],
        "status": int(status) if status.isdigit() else status,
        "bytes": atoms["B"] if atoms["B"] != "-" else None,
        "duration_ms": round(int(atoms["D"]) / 1000, 3),
        "remote_addr": atoms["h"],
        "pid": os.getpid(),
        "request_id": header("x-request-id"),
        "correlation_id": header("x-correlation-id"),
    }


def json_logger(service: str) -> type[JsonLogger]:
    """`logger_class` for gunicorn.conf.py: the JSON logger labelled with the service."""
    return type("JsonLogger", (JsonLogger,), {"service": service})
