"""`make demo`: load a realistic data set into the running stack through the public APIs only.

2,000 generated practices (`scripts/generate_data.py`, seeded) are uploaded to the scraping
service as Arztsuche files and imported; 300 patients are registered by a small staff team and
put into `searching`; matching, outreach, sending and follow-ups run through the job endpoints;
then a summary for staff is printed. Running it again is safe: the same practices are imported
again (reported `unchanged`) and 300 *more* patients are registered (numbered after the ones
already there), so every run has fresh searches to look at.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching_service.domain.states import RequestStatus  # noqa: E402
from scripts import generate_data  # noqa: E402
from scripts.api_client import URLS, Api, ApiError, stack_ready, until  # noqa: E402

SEED = 2026
STAFF_TEAM = 6  # registrations are spread over six staff members, as in an office
FINISHED_RUNS = {"succeeded", "failed", "stopped"}
MAIL = Path(__file__).resolve().parents[1] / ".data" / "mail"
BERLIN = ZoneInfo("Europe/Berlin")


class Steps:
    """Prints each step with its duration."""

    def __init__(self) -> None:
        self.start = self.last = time.monotonic()

    def done(self, what: str) -> None:
        now = time.monotonic()
        print(f"[{now - self.start:6.1f}s] {what} ({now - self.last:.1f}s)", flush=True)
        self.last = now


def import_therapists(api: Api, count: int, seed: int) -> dict[str, int]:
    """Upload the practice files, process the queue, wait for the therapist service."""
    documents = generate_data.upload_documents(generate_data.practices(count, seed), "demo")
    before = api.total("therapist", "/api/therapists")
    run_ids = [
        api.call("POST", "scraping", "/api/imports", (202,), admin=True, json=doc)["id"]
        for doc in documents
    ]
    progress = {"status": ""}
    runs = until(
        lambda: _finished_runs(api, run_ids, progress),
        "the import runs to finish",
        300,
        1.0,
        status=lambda: progress["status"],
    )
    failed = [r["id"] for r in runs if r["status"] != "succeeded"]
    if failed:
        raise ApiError(f"import runs {failed} did not succeed; see GET /api/imports/<id>")
    counts = Counter()
    for run in runs:
        counts.update({k: v for k, v in run["counts"].items()})
    expected = before + counts["new"]
    until(
        lambda: api.total("therapist", "/api/therapists") >= expected,
        "the therapist service to receive the imported therapists (events)",
        300,
        1.0,
        status=lambda: f"{api.total('therapist', '/api/therapists')} of {expected}",
    )
    return {"files": len(run_ids), **counts}


def _finished_runs(
    api: Api, run_ids: list[int], progress: dict[str, str] | None = None
) -> list[dict[str, Any]] | None:
    """All runs once every one is finished; runs the queue job while some still wait.
    `progress["status"]` says how many are finished (the wait's status line)."""
    runs = [
        api.call("GET", "scraping", f"/api/imports/{i}?per_page=1", admin=True) for i in run_ids
    ]
    finished = sum(r["status"] in FINISHED_RUNS for r in runs)
    if progress is not None:
        progress["status"] = f"{finished} of {len(runs)} files imported"
    if finished == len(runs):
        return runs
    api.job("scraping", "process-imports")
    return None


def register_patients(api: Api, count: int, seed: int) -> list[int]:
    """Register `count` new patients (numbered after those already there) in parallel."""
    first = api.total("patient", "/api/patients")
    bodies = generate_data.patients(count, seed, first_index=first)

    def register(index: int) -> int:
        body = bodies[index]
        created = api.call("POST", "patient", "/api/patients", (201,), who=index, json=body)
        return int(created["id"])

    with ThreadPoolExecutor(STAFF_TEAM) as pool:
        return list(pool.map(register, range(count)))


def start_searches(api: Api, patient_ids: list[int]) -> Counter:
    """`PUT status searching` for each; a patient that cannot search yet is counted, not fatal."""

    def start(pair: tuple[int, int]) -> str:
        index, patient_id = pair
        response = api.send(
            "PUT",
            "patient",
            f"/api/patients/{patient_id}/status",
            who=index,
            json={"status": "searching"},
        )
        return "searching" if response.status_code == 200 else f"refused {response.status_code}"

    with ThreadPoolExecutor(STAFF_TEAM) as pool:
        return Counter(pool.map(start, enumerate(patient_ids)))


def requests_by_state(api: Api) -> dict[str, int]:
    """Placement requests per status (matching service)."""
    found = {
        s.value: api.total("matching", f"/api/placement-requests?status={s.value}")
        for s in RequestStatus
    }
    return {state: n for state, n in found.items() if n}


def wait_for_requests(api: Api, patient_ids: list[int]) -> int:
    """Run a matching round, then wait until the requests of the new patients stop growing."""
    api.job("matching", "matching-round")
    sample = patient_ids[:: max(1, len(patient_ids) // 20)]
    seen: list[int] = []

    def settled() -> bool:
        seen.append(sum(_request_count(api, p) for p in sample))
        return len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3] and seen[-1] > 0

    until(
        settled,
        "placement requests for the new patients",
        180,
        1.0,
        status=lambda: f"{seen[-1] if seen else 0} for {len(sample)} sampled patients",
    )
    return api.total("matching", "/api/placement-requests")


def _request_count(api: Api, patient_id: int) -> int:
    return api.total("matching", f"/api/placement-requests?patient_id={patient_id}")


def run_outreach(api: Api) -> dict[str, Any]:
    """Plan the e-mails (outreach), send until none is left, book calls (follow-ups)."""
    until(lambda: _outreach_waiting(api), "communication to see the requests", 120, 1.0)
    planned = api.job("communication", "outreach")["result"]
    sent: Counter = Counter()

    def drained() -> bool:
        delivered = api.job("communication", "send-emails")["result"]["delivered"]
        sent.update(delivered)
        return not delivered

    until(drained, "the e-mails to be sent", 300, 0.2)
    calls = api.job("communication", "follow-ups")["result"]
    contacted = RequestStatus.CONTACTED.value
    until(
        lambda: api.total("matching", f"/api/placement-requests?status={contacted}") > 0,
        "matching to see the sent e-mails",
        60,
        1.0,
    )
    return {"outreach": planned, "send-emails": dict(sent), "follow-ups": calls}


def _outreach_waiting(api: Api) -> bool:
    """True once communication has drafts or the outreach job finds therapists to plan."""
    return api.total("communication", "/api/emails?status=draft") > 0 or bool(
        api.job("communication", "outreach")["result"].get("therapists")
    )


def calls_on(api: Api, day: date) -> list[dict[str, Any]]:
    page = api.call("GET", "communication", f"/api/phone-calls?date={day.isoformat()}&per_page=100")
    return page["items"]


def print_summary(api: Api, imported: dict[str, int], started: Counter, jobs: dict) -> None:
    tomorrow = datetime.now(BERLIN).date() + timedelta(days=1)
    tomorrow_calls = calls_on(api, tomorrow)
    print("\n== psymatch demo ==")
    print(
        f"therapists: {imported['new']} new, {imported['unchanged']} unchanged, "
        f"{imported['rejected']} rejected in {imported['files']} files; "
        f"{api.total('therapist', '/api/therapists')} in the therapist service"
    )
    print(
        f"patients:   {dict(started)}; searching now: "
        f"{api.total('patient', '/api/patients?status=searching')}"
    )
    print(f"placement requests by state: {requests_by_state(api)}")
    print(f"jobs: {jobs}")
    print(
        f"e-mails:    {api.total('communication', '/api/emails?status=sent')} sent; "
        f"{len(list(MAIL.glob('*.eml')))} files in {MAIL}"
    )
    print(f"calls for tomorrow ({tomorrow}): {len(tomorrow_calls)}")
    for call in tomorrow_calls[:3]:
        start = datetime.fromisoformat(call["slot_start"]).astimezone(BERLIN)
        print(
            f"  {start:%H:%M} {call['therapist'].get('phone')}: {len(call['patients'])} patient(s)"
        )
    _print_examples(tomorrow)


def _print_examples(tomorrow: date) -> None:
    print("\nTry (tokens: STAFF=$(make -s token ROLE=staff)):")
    for line in (
        f"curl -s '{URLS['patient']}/api/patients?status=searching&per_page=5'",
        f"curl -s '{URLS['matching']}/api/placement-requests?status=contacted&per_page=5'",
        f"curl -s '{URLS['communication']}/api/emails?status=sent&per_page=5'",
        f"curl -s '{URLS['communication']}/api/phone-calls?date={tomorrow}'",
        f"curl -s '{URLS['therapist']}/api/therapists?postal_code=10&procedure=VT&per_page=5'",
        f"curl -s '{URLS['scraping']}/api/imports'",
    ):
        print(f'  {line} -H "Authorization: Bearer $STAFF"')


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--therapists", type=int, default=2000)
    parser.add_argument("--patients", type=int, default=300)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    if not stack_ready():
        sys.exit("error: the stack is not running (or not ready): run `make up` first")
    api, steps = Api(staff_count=STAFF_TEAM, subject="demo"), Steps()
    try:
        imported = import_therapists(api, args.therapists, args.seed)
        steps.done(f"imported {imported['new'] + imported['unchanged']} therapists")
        patient_ids = register_patients(api, args.patients, args.seed)
        steps.done(f"registered {len(patient_ids)} patients")
        started = start_searches(api, patient_ids)
        steps.done(f"started searches: {dict(started)}")
        total = wait_for_requests(api, patient_ids)
        steps.done(f"{total} placement requests in all")
        jobs = run_outreach(api)
        steps.done("outreach planned, e-mails sent, calls booked")
        print_summary(api, imported, started, jobs)
    except (ApiError, TimeoutError) as exc:
        sys.exit(f"error: {exc}")
    if api.rate_limit_waits:
        print(f"\n(waited out {api.rate_limit_waits} rate-limit answers, 429)")
    steps.done("demo finished")


if __name__ == "__main__":
    main()
