"""`make up` gives six ready services (twice is harmless); `make down` leaves nothing running."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from support.testdb import E2E_DB

from scripts import infra
from shared.config import SERVICE_PORTS
from staff_console.config import CONSOLE_PORT

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def stack(*args, timeout=240):
    return subprocess.run(
        [sys.executable, "scripts/stack.py", *args],
        cwd=ROOT,
        text=True,
        capture_output=True,
        timeout=timeout,
    )


def recorded_pids():
    return {
        p.stem: int(p.read_text())
        for p in infra.PIDS.glob("*.pid")
        if p.exists() and p.read_text().strip().isdigit()
    }


def alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:
        return Path(f"/proc/{pid}/status").read_text().find("State:\tZ") < 0
    except OSError:
        return False


@pytest.fixture
def infrastructure_kept():
    """`down` stops the broker, PgBouncer and the catcher this checkout started; tests running
    beside this one (other checkouts, later tests) still need them, so they come back after."""
    yield
    stack("test-infra")


def test_up_twice_then_down(infrastructure_kept):
    first = stack("up", "--database", E2E_DB)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Staff token" in first.stdout
    token = first.stdout.strip().splitlines()[-1]
    console = f"http://127.0.0.1:{CONSOLE_PORT}"
    assert f"Staff console: {console}  first login: user 'admin'" in first.stdout
    for port in [*SERVICE_PORTS.values(), CONSOLE_PORT]:
        assert requests.get(f"http://127.0.0.1:{port}/ready", timeout=5).status_code == 200
    assert requests.get(console, timeout=5, allow_redirects=False).status_code == 302
    metrics = requests.get(
        f"http://127.0.0.1:{SERVICE_PORTS['patient_service'] + 1000}/metrics", timeout=5
    ).text
    assert "outbox_backlog" in metrics and "kafka_producer_sent_total" in metrics
    pids = recorded_pids()
    second = stack("up", "--database", E2E_DB)
    assert second.returncode == 0, second.stdout + second.stderr
    assert recorded_pids() == pids, "a second `up` must not start anything twice"
    jobs = requests.get(
        f"http://127.0.0.1:{SERVICE_PORTS['patient_service']}/api/jobs",
        timeout=5,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert jobs.status_code == 403, "the printed staff token is valid (and not an admin's)"
    down = stack("down")
    assert down.returncode == 0, down.stdout + down.stderr
    assert not [name for name, pid in pids.items() if alive(pid)]
    assert not any(infra.port_open(port) for port in [*SERVICE_PORTS.values(), CONSOLE_PORT])
    assert not list(infra.PIDS.glob("*.pid"))
