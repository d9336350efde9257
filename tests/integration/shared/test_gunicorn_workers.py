"""A real gunicorn with two workers and the repository's gunicorn.conf.py (as scripts/stack.py
and compose start it): requests spread over both workers, and one scrape of `/metrics` counts
all of them (prometheus_client multiprocess mode); access and error logs are JSON lines, the
access line with the request id and without the query string."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from support.brokers import free_port
from support.testdb import TEST_DB

from scripts.stack import service_env

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

ROOT = Path(__file__).resolve().parents[3]
ROUTE = "/openapi.json"
SECRET_QUERY = "street=Lindenallee&subject_id=4242"


@pytest.fixture
def gunicorn(migrated_db, tmp_path):
    port, log_path = free_port(), tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        **service_env("geocoding_service", TEST_DB),
        "RATE_LIMIT_ENABLED": "false",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "geocoding_service.app:create_app()",
    ]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            try:
                if requests.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        yield base, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def json_lines(log_path: Path) -> list[dict]:
    lines = []
    for line in log_path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def access_lines(log_path: Path) -> list[dict]:
    return [e for e in json_lines(log_path) if e.get("access") and e.get("path") == ROUTE]


def counted(base: str) -> float:
    text = requests.get(f"{base}/metrics", timeout=5).text
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "http_requests_total"
        and s.labels.get("route") == ROUTE
        and s.labels.get("service") == "geocoding_service"
    )


def send(base: str, count: int) -> None:
    def one(_: int) -> int:
        return requests.get(f"{base}{ROUTE}?{SECRET_QUERY}", timeout=10).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(one, range(count))) == {200}


def test_one_scrape_counts_the_requests_of_both_workers(gunicorn):
    """Failed before this change: without PROMETHEUS_MULTIPROC_DIR each scrape answered from
    the one worker that took it, which had seen only its share of the requests."""
    base, log_path = gunicorn
    sent = 0
    deadline = time.monotonic() + 60
    while len({e["pid"] for e in access_lines(log_path)}) < 2:  # both workers served some
        assert time.monotonic() < deadline, "requests never reached the second worker"
        send(base, 40)
        sent += 40
        time.sleep(0.2)
    for _ in range(4):  # whichever worker answers the scrape, it counts all requests
        assert counted(base) == sent


def test_access_and_error_logs_are_json_with_request_id_and_no_query(gunicorn):
    base, log_path = gunicorn
    response = requests.get(
        f"{base}{ROUTE}?{SECRET_QUERY}", headers={"X-Request-ID": "req-abc-123"}, timeout=10
    )
    assert response.status_code == 200
    deadline = time.monotonic() + 10
    while not (lines := access_lines(log_path)):
        assert time.monotonic() < deadline, log_path.read_text()
        time.sleep(0.1)
    [line] = lines
    assert line["request_id"] == "req-abc-123"
    assert line["correlation_id"] == "req-abc-123"
    assert (line["method"], line["status"], line["logger"]) == ("GET", 200, "gunicorn.access")
    assert line["service"] == "geocoding_service"
    assert f'"GET {ROUTE} HTTP/1.1" 200' in line["message"]  # ACCESS_LOG_FORMAT
    text = log_path.read_text()
    assert "Lindenallee" not in text and "subject_id" not in text
    errors = [e for e in json_lines(log_path) if e["logger"] == "gunicorn.error"]
    assert any("Booting worker" in e["message"] for e in errors)
    plain = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("{")]
    assert plain == []  # every line gunicorn and the app wrote is JSON
