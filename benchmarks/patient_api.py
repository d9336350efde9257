"""Patient API under gunicorn through PgBouncer, beside a bare Flask `SELECT 1` endpoint.

Run: `python -m benchmarks.patient_api` (needs PostgreSQL via PgBouncer; DB from BENCH_DB,
default psymatch_test). Starts its own gunicorns on free 127.0.0.1 ports (patient service,
geocoding service with offline postal-code centroids, bare app) and stops them afterwards.
Prints requests/s and p50/p99 of GET /api/patients/{id} and POST /api/patients, and the ratio
of the GET to the bare endpoint (target: at least 0.5).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from flask import Flask
from sqlalchemy import text

from scripts.stack import migrate, service_env
from shared.db import make_engine
from shared.http.auth import issue_token

ROOT = Path(__file__).resolve().parents[1]
DATABASE = os.environ.get("BENCH_DB", "psymatch_test")
SECRET = "bench-secret-bench-secret-bench-secret"
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
PATIENT = {
    "first_name": "Bench",
    "last_name": "Mark",
    "gender": "female",
    "birth_date": "1990-05-01",
    "email": "bench@example.org",
    "phone": "0241 1234567",
    "address": {
        "street": "Lindenallee",
        "house_number": "1",
        "postal_code": "52062",
        "city": "Aachen",
    },
    "insurance": {"type": "statutory", "insurer": "AOK", "number": "A123456789"},
    "symptoms": ["anxiety"],
    "availability": {"mon": ["09:00-12:00"]},
    "consent": {"version": "2026-01", "given_at": "2026-01-02T10:00:00Z"},
}


def bare_app() -> Flask:
    """The baseline: Flask answering `SELECT 1` through the same PgBouncer and pool settings."""
    engine = make_engine(os.environ["DATABASE_URL"], 5, "bench_bare")
    app = Flask("bare")

    @app.get("/select1")
    def select1() -> dict[str, int]:
        with engine.connect() as conn:
            return {"value": conn.execute(text("SELECT 1")).scalar_one()}

    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(target: str, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """A gunicorn on a free port; returns the process and its base URL once /health-like
    probing answers."""
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [
        gunicorn,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--timeout",
        "60",
        target,
    ]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    _wait_listening(port, proc)
    return proc, url


def _wait_listening(port: int, proc: subprocess.Popen, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn on {port} exited with {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn on {port} did not start")


def stop(proc: subprocess.Popen) -> None:
    """Stop a gunicorn this benchmark started (its own process group)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def http_call(
    base: str, method: str, path: str, headers: dict[str, str], body: dict[str, Any] | None = None
) -> Callable[[], int]:
    """A light client call (http.client; gunicorn's sync workers close each connection)."""
    host, port = base.removeprefix("http://").split(":")
    payload = json.dumps(body).encode() if body is not None else None
    all_headers = {**headers, **({"Content-Type": "application/json"} if payload else {})}

    def call() -> int:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            conn.request(method, path, body=payload, headers=all_headers)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    return call


def load(call: Callable[[], int], seconds: float, clients: int) -> dict[str, float]:
    """Hammer `call` from `clients` threads for `seconds`; requests/s and latency percentiles."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop_at = time.perf_counter() + seconds

    def worker(index: int) -> None:
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            status = call()
            latencies[index].append(time.perf_counter() - start)
            errors[index] += status >= 400

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return _summary([x for lat in latencies for x in lat], elapsed, sum(errors))


def _summary(samples: list[float], elapsed: float, errors: int) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else ordered * 99
    return {
        "rps": len(ordered) / elapsed,
        "p50_ms": q[49] * 1000,
        "p99_ms": q[98] * 1000,
        "count": len(ordered),
        "errors": errors,
    }


def row(label: str, stats: dict[str, float]) -> str:
    return (
        f"  {label:<28} {stats['rps']:>9,.0f} req/s   p50 {stats['p50_ms']:>7.1f} ms   "
        f"p99 {stats['p99_ms']:>7.1f} ms   n={stats['count']:,.0f} errors={stats['errors']}"
    )


def run(urls: dict[str, str]) -> dict[str, dict[str, float]]:
    """Warm up, then measure the bare endpoint, the GET and the POST in this order."""
    headers = {"Authorization": f"Bearer {issue_token(SECRET, 'bench', 'staff')}"}
    created = requests.post(
        f"{urls['patient']}/api/patients", json=PATIENT, headers=headers, timeout=10
    )
    created.raise_for_status()
    one = f"/api/patients/{created.json()['id']}"
    calls = {
        "bare SELECT 1": http_call(urls["bare"], "GET", "/select1", {}),
        "GET /api/patients/{id}": http_call(urls["patient"], "GET", one, headers),
        "POST /api/patients": http_call(urls["patient"], "POST", "/api/patients", headers, PATIENT),
    }
    for call in calls.values():
        load(call, 1.0, CLIENTS)
    rounds: dict[str, list[dict[str, float]]] = {label: [] for label in calls}
    for _ in range(ROUNDS):  # interleaved, so a noisy neighbour hits every endpoint alike
        for label, call in calls.items():
            rounds[label].append(load(call, SECONDS, CLIENTS))
    return {label: median_round(runs) for label, runs in rounds.items()}


def median_round(runs: list[dict[str, float]]) -> dict[str, float]:
    """The round with the median throughput."""
    return sorted(runs, key=lambda stats: stats["rps"])[len(runs) // 2]


def main() -> None:
    migrate(DATABASE)
    procs: list[subprocess.Popen] = []
    try:
        geo, geo_url = start_gunicorn(
            "geocoding_service.app:create_app()",
            {
                **service_env("geocoding_service", DATABASE),
                "JWT_SECRET": SECRET,
                "LOG_LEVEL": "WARNING",
                "GEOCODING_PROVIDER": "offline",
            },
        )
        procs.append(geo)
        patient_env = {
            **service_env("patient_service", DATABASE),
            "JWT_SECRET": SECRET,
            "LOG_LEVEL": "WARNING",
            "GEOCODING_SERVICE_URL": geo_url,
            "KAFKA_TOPIC_PREFIX": "bench-",
            "RATE_LIMIT_ENABLED": "false",  # the load driver is one caller writing on purpose
        }
        patient, patient_url = start_gunicorn("patient_service.app:create_app()", patient_env)
        procs.append(patient)
        bare, bare_url = start_gunicorn("benchmarks.patient_api:bare_app()", patient_env)
        procs.append(bare)
        results = run({"patient": patient_url, "bare": bare_url})
    finally:
        for proc in procs:
            stop(proc)
    report(results)


def report(results: dict[str, dict[str, float]]) -> None:
    print(
        f"patient API under gunicorn ({WORKERS} sync workers each), through PgBouncer, "
        f"{CLIENTS} client threads, median of {ROUNDS} interleaved {SECONDS:.0f} s rounds, "
        f"database {DATABASE}"
    )
    for label, stats in results.items():
        print(row(label, stats))
    ratio = results["GET /api/patients/{id}"]["rps"] / results["bare SELECT 1"]["rps"]
    verdict = "meets" if ratio >= 0.5 else "MISSES"
    print(f"  GET / bare throughput ratio: {ratio:.2f} ({verdict} the 0.5 target)")


if __name__ == "__main__":
    main()
