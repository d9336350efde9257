"""Mixed staff workload against the running stack: throughput, p50/p95/p99 per endpoint, errors.

Run: `python -m benchmarks.load [--rate 20] [--duration 60]`. Uses the stack on 8001-8006, or
starts one on a fresh `psymatch_bench` database (and stops only its services afterwards). A small
data set is loaded first through the public APIs (`scripts/demo.py` steps, smaller): practices,
patients searching, e-mails sent, so there are contacted requests to answer.

Driver: an open-loop pacer, not locust. One thread releases a request every 1/rate seconds into
a thread pool and each latency is measured from the moment the request was *due*, so a slow
server shows up as latency instead of silently lowering the offered rate (the "coordinated
omission" of closed-loop users, which locust's `constant_throughput` users have). It needs no new
dependency and no gevent monkey-patching next to psycopg2 and kafka-python. Requests are spread
over a team of staff tokens, as in an office (the write rate limit counts per caller).
Exit status 1 when any request failed.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scripts import demo, generate_data
from scripts.api_client import Api, running_stack

BENCH_DB = "psymatch_bench"
SEED = 4242
STAFF_TEAM = 12
MIX = {  # endpoint → share of requests
    "GET /api/therapists (search)": 30,
    "GET /api/patients/{id}": 25,
    "GET /api/placement-requests": 20,
    "POST /api/patients": 10,
    "POST /api/responses": 10,
    "GET /api/patients (list)": 5,
}
BASELINE_P95_MS = 250.0  # target of the mixed workload: every endpoint's p95 under this


class Workload:
    """The data the requests use, and one function per endpoint."""

    def __init__(self, api: Api, seed: int) -> None:
        self.api, self.rng, self.lock = api, random.Random(seed), threading.Lock()
        self.patients = [
            p["id"] for p in api.call("GET", "patient", "/api/patients?per_page=100")["items"]
        ]
        contacted = "/api/placement-requests?status=contacted&per_page=100"
        self.contacted = [
            (r["id"], r["therapist_id"])
            for page in range(1, 6)
            for r in api.call("GET", "matching", f"{contacted}&page={page}")["items"]
        ]
        self.bodies = iter(
            generate_data.patients(100_000, seed, api.total("patient", "/api/patients"))
        )
        self.counter = itertools.count()
        self.calls: dict[str, Callable[[int], int]] = {
            "GET /api/therapists (search)": self.search,
            "GET /api/patients/{id}": self.read_patient,
            "GET /api/placement-requests": self.list_requests,
            "POST /api/patients": self.register,
            "POST /api/responses": self.answer,
            "GET /api/patients (list)": self.list_patients,
        }

    def pick(self) -> str:
        with self.lock:
            return self.rng.choices(list(MIX), list(MIX.values()))[0]

    def _status(self, method: str, service: str, path: str, who: int, **kw: Any) -> int:
        return self.api.send(method, service, path, who=who, **kw).status_code

    def search(self, who: int) -> int:
        procedure = self.rng.choice(["VT", "TP", "AP", "ST"])
        prefix = self.rng.choice(["1", "2", "4", "5", "6", "8"])
        path = f"/api/therapists?postal_code={prefix}&procedure={procedure}&per_page=20"
        return self._status("GET", "therapist", path, who)

    def read_patient(self, who: int) -> int:
        return self._status(
            "GET", "patient", f"/api/patients/{self.rng.choice(self.patients)}", who
        )

    def list_patients(self, who: int) -> int:
        return self._status("GET", "patient", "/api/patients?status=searching&per_page=20", who)

    def list_requests(self, who: int) -> int:
        path = f"/api/placement-requests?patient_id={self.rng.choice(self.patients)}"
        return self._status("GET", "matching", path, who)

    def register(self, who: int) -> int:
        with self.lock:
            body = next(self.bodies)
        return self._status("POST", "patient", "/api/patients", who, json=body)

    def answer(self, who: int) -> int:
        """A therapist's "not suitable" answer about one contacted request (each used once)."""
        with self.lock:
            if not self.contacted:
                return self.list_requests(who)
            request_id, therapist_id = self.contacted.pop()
        body = {
            "therapist_id": therapist_id,
            "channel": "email",
            "outcomes": [{"placement_request_id": request_id, "outcome": "rejected_not_suitable"}],
        }
        return self._status("POST", "communication", "/api/responses", who, json=body)


def drive(work: Workload, rate: float, duration_s: float) -> dict[str, list[tuple[float, bool]]]:
    """Release requests at `rate` per second for `duration_s`; (latency s, ok) per endpoint."""
    results: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    record = threading.Lock()

    def one(name: str, due: float, who: int) -> None:
        try:
            ok = work.calls[name](who) < 400
        except Exception:  # noqa: BLE001 - a failed request is a counted error, not a crash
            ok = False
        with record:
            results[name].append((time.monotonic() - due, ok))

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=64) as pool:
        for n in itertools.count():
            due = start + n / rate
            if due - start >= duration_s:
                break
            time.sleep(max(0.0, due - time.monotonic()))
            pool.submit(one, work.pick(), due, n)
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def report(
    results: dict[str, list[tuple[float, bool]]], duration_s: float, rate: float
) -> tuple[int, list]:
    """Print the table; returns (errors, rows for run_all)."""
    total = sum(len(v) for v in results.values())
    errors = sum(1 for v in results.values() for _, ok in v if not ok)
    print(
        f"load: {total} requests in {duration_s:.0f} s at a target of {rate:g}/s "
        f"-> {total / duration_s:.1f} req/s, errors: {errors}"
    )
    print(f"{'endpoint':<32} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    rows = []
    for name in MIX:
        latencies = [lat * 1000 for lat, _ in results.get(name, [])]
        failed = sum(1 for _, ok in results.get(name, []) if not ok)
        p50, p95, p99 = (percentile(latencies, q) for q in (0.5, 0.95, 0.99))
        print(f"{name:<32} {len(latencies):>6} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {failed:>6}")
        rows.append((f"load p95 {name}", f"{p95:.0f} ms", f"< {BASELINE_P95_MS:.0f} ms (target)"))
    rows.append(("load throughput", f"{total / duration_s:.1f} req/s", f"{rate:g} req/s offered"))
    rows.append(("load errors", str(errors), "0 (required)"))
    return errors, rows


def prepare(api: Api) -> None:
    """A small data set (idempotent): practices, searching patients, e-mails sent."""
    demo.import_therapists(api, 600, SEED)
    ids = demo.register_patients(api, 60, SEED)
    demo.start_searches(api, ids)
    demo.wait_for_requests(api, ids)
    demo.run_outreach(api)


def run(rate: float, duration_s: float) -> tuple[int, list]:
    with running_stack(BENCH_DB):
        api = Api(staff_count=STAFF_TEAM, subject="load")
        prepare(api)
        work = Workload(api, SEED)
        results = drive(work, rate, duration_s)
        errors, rows = report(results, duration_s, rate)
        if api.rate_limit_waits:
            print(f"(429 answers waited out: {api.rate_limit_waits})")
    return errors, rows


def main(argv: list[str] | None = None) -> list:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    args = parser.parse_args(argv if argv is not None else [])
    errors, rows = run(args.rate, args.duration)
    if errors and __name__ == "__main__":
        sys.exit(1)
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
