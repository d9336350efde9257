"""The stack-wide simulated clock on the running stack (ALLOW_CLOCK_OVERRIDE=true): a PUT on one
service moves all six, their web processes (two gunicorn workers each) and their worker
processes, within one second; an earlier time is a 409 and moves nothing back; a DELETE on
another service returns all twelve processes to real time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from e2e.test_placement_loop import URL, Api, running

from scripts.stack import worker_metrics_port
from shared.config import SERVICE_PORTS

__all__ = ["running"]  # the module-scoped stack fixture of the placement loop

pytestmark = pytest.mark.e2e
FOLLOW_WITHIN_S = 1.0
# Several answers per web service: each may come from either of its gunicorn workers.
WEB_SAMPLES = 6


def web_clock(api: Api, service: str) -> dict:
    return api.call("GET", service.removesuffix("_service"), "/api/clock")


def worker_clock(service: str) -> dict:
    port = worker_metrics_port(SERVICE_PORTS[service])
    response = requests.get(f"http://127.0.0.1:{port}/clock", timeout=5)
    assert response.status_code == 200, (service, response.text)
    return response.json()


def all_clocks(api: Api, samples: int = 1) -> dict[str, list[dict]]:
    """Every process's answer: `<service> web` (`samples` answers) and `<service> worker`."""
    seen: dict[str, list[dict]] = {}
    for service in SERVICE_PORTS:
        seen[f"{service} web"] = [web_clock(api, service) for _ in range(samples)]
        seen[f"{service} worker"] = [worker_clock(service)]
    return seen


def lagging(seen: dict[str, list[dict]], simulated: datetime | None) -> list[str]:
    """The processes whose answers are not `simulated` (None: real time, not simulated)."""
    behind = []
    for name, answers in seen.items():
        for answer in answers:
            if simulated is None:
                ok = answer["simulated"] is False
            else:
                ok = answer["simulated"] is True and parse(answer["now"]) == simulated
            if not ok:
                behind.append(f"{name}: {answer}")
    return behind


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def followed_within(api: Api, simulated: datetime | None, since: float) -> float:
    """Poll until every process reports `simulated`; the seconds that took since `since`.
    Then, once the promised second has passed, check every web process again with several
    answers each (a gunicorn worker that was not asked yet may still hold its cached value
    before then, which the promise allows)."""
    while True:
        behind = lagging(all_clocks(api), simulated)
        elapsed = time.monotonic() - since
        if not behind:
            break
        assert elapsed <= FOLLOW_WITHIN_S, f"after {elapsed:.2f} s still behind: {behind}"
    time.sleep(max(0.0, since + FOLLOW_WITHIN_S - time.monotonic()))
    settled = lagging(all_clocks(api, WEB_SAMPLES), simulated)
    assert settled == [], settled
    return elapsed


def test_one_service_moves_the_whole_stack_forward_only_and_back_to_real_time(running):
    api = Api(running)
    assert lagging(all_clocks(api), None) == [], "the stack starts at real time"
    target = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)

    sent = time.monotonic()
    changed = api.call(
        "PUT", "communication", "/api/clock", admin=True, json={"now": target.isoformat()}
    )
    assert parse(changed["now"]) == target and changed["simulated"] is True
    assert sorted(changed["applied"]) == sorted(SERVICE_PORTS)
    followed_within(api, target, sent)

    earlier = (target - timedelta(minutes=1)).isoformat()
    refused = requests.put(
        URL["geocoding"] + "/api/clock", json={"now": earlier}, headers=api.admin, timeout=30
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "clock_not_forward"
    assert lagging(all_clocks(api), target) == [], "a refused time moves nothing back"

    staff = requests.put(
        URL["patient"] + "/api/clock", json={"now": earlier}, headers=api.staff, timeout=30
    )
    assert staff.status_code == 403, "only admins set the stack's time"

    sent = time.monotonic()
    back = api.call("DELETE", "scraping", "/api/clock", admin=True)
    assert back["simulated"] is False
    assert abs(parse(back["now"]) - datetime.now(UTC)) < timedelta(minutes=1)
    followed_within(api, None, sent)
