"""Under gunicorn every worker process writes its metrics to `PROMETHEUS_MULTIPROC_DIR`, and
one scrape of `/metrics` (in any worker) counts the requests of all of them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from flask import Flask
from flask_restful import Api
from prometheus_client.parser import text_string_to_metric_families

from shared.http.ops import MetricsResource

ROOT = Path(__file__).resolve().parents[3]

# One "gunicorn worker": its own process, prometheus_client imported with the directory set.
WORKER = textwrap.dedent(
    """
    import sys
    from flask import Flask
    from shared.http.observability import install_request_hooks

    app = Flask("worker")
    install_request_hooks(app, "mp_service")
    app.add_url_rule("/api/ping", "ping", lambda: "pong")
    client = app.test_client()
    for _ in range(int(sys.argv[1])):
        assert client.get("/api/ping").status_code == 200
    """
)


def run_worker_process(multiproc_dir: Path, requests: int) -> None:
    env = {"PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir), "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-c", WORKER, str(requests)], cwd=ROOT, env=env, check=True, timeout=60
    )


def scrape(app: Flask) -> str:
    return app.test_client().get("/metrics").get_data(as_text=True)


def requests_counted(text: str) -> float:
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "http_requests_total" and s.labels.get("service") == "mp_service"
    )


def metrics_app() -> Flask:
    app = Flask("scraper")
    Api(app).add_resource(MetricsResource, "/metrics")
    return app


def test_one_scrape_counts_the_requests_of_two_worker_processes(tmp_path, monkeypatch):
    """Failed before this change: /metrics answered from the scraping process's own registry,
    which counts none of the other processes' requests."""
    run_worker_process(tmp_path, 3)
    run_worker_process(tmp_path, 5)
    assert len(list(tmp_path.glob("counter_*.db"))) == 2  # one file per process
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    assert requests_counted(scrape(metrics_app())) == 8


def test_without_the_directory_the_scrape_is_this_process_only(tmp_path, monkeypatch):
    run_worker_process(tmp_path, 2)
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    assert requests_counted(scrape(metrics_app())) == 0
