"""gunicorn settings of the six web services (`gunicorn --config gunicorn.conf.py
'<service>.app:create_app()'`; used by scripts/stack.py and docker-compose.yml).

- prometheus_client multiprocess mode: a fresh `PROMETHEUS_MULTIPROC_DIR` per service (per
  gunicorn master) is set here, before any worker is forked; `child_exit` marks a dead worker's
  files; `/metrics` then answers for all workers of the service (shared/http/observability.py).
- JSON access and error logs; the access line carries the request id and never the query
  string (ACCESS_LOG_FORMAT).
Command-line options still win over these values (`--workers`, `--bind`, `--timeout`)."""

import os
import sys

from shared.http.gunicorn_config import (
    child_exit,
    json_logger,
    on_exit,
    prepare_multiproc_dir,
    service_from_argv,
)
from shared.json_logging import ACCESS_LOG_FORMAT

service = service_from_argv(sys.argv)
prepare_multiproc_dir(service)

accesslog = "-"
errorlog = "-"
access_log_format = ACCESS_LOG_FORMAT
logger_class = json_logger(service)
if os.access("/dev/shm", os.W_OK):
    worker_tmp_dir = "/dev/shm"  # worker heartbeat files on tmpfs, not on the container's disk

__all__ = ["child_exit", "on_exit"]
