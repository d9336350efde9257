"""The running stack as the simulation sees it: the public APIs and the SMTP catcher's folder.

Nothing here reads a service's database: the simulated staff work through the same routes the
staff console uses, the clock is moved with `PUT /api/clock`, and "caught up" means every
service's `GET /api/pipeline` says `settled`.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import requests

from scripts.api_client import URLS, Api, ApiError
from scripts.stack import make_token

SERVICES = tuple(URLS)  # patient, therapist, matching, communication, geocoding, scraping
PER_PAGE = 100
SETTLE_TIMEOUT_S = 120.0
SETTLE_POLL_S = 0.05
IDS_PER_QUERY = 100  # patient ids per ?patient_ids= query (the routes take 1 to 100)
SETTLED_POLLS = 2  # answers in a row, after a first one to compare with
HEADERS = BytesParser(policy=policy.default)
MESSAGE_ID = re.compile(r"\.psymatch\.(\d+)@")  # communication_service/clients/smtp.py
TRANSIENT = frozenset({502, 503, 504})  # a service restarting, its database briefly away
RETRIES = 5  # tries of a repeatable request in all
RETRY_BACKOFF_S = 1.0  # the wait grows by this much after each try
JOB_RUN = re.compile(r"^/api/jobs/[\w-]+/run$")


class StackApi(Api):
    """`scripts.api_client.Api` plus the clock, the pipeline and paged lists.

    A request that may be repeated without changing its effect (a read, moving the clock to the
    same time, a job run: every job scans afresh) is tried again when it meets a transient
    failure (502, 503, 504 or no connection), RETRIES times in all: a run of 12 simulated weeks
    should not end on one brief outage. Other writes are never repeated (one may have been
    applied before the answer was lost)."""

    transient_retries = 0

    def send(
        self, method: str, service: str, path: str, admin: bool = False, who: int = 0, **kw: Any
    ) -> requests.Response:
        if not repeatable(method, path):
            return super().send(method, service, path, admin=admin, who=who, **kw)
        for attempt in range(1, RETRIES + 1):
            try:
                response = super().send(method, service, path, admin=admin, who=who, **kw)
            except requests.ConnectionError:
                if attempt == RETRIES:
                    raise
            else:
                if response.status_code not in TRANSIENT or attempt == RETRIES:
                    return response
            self.transient_retries += 1
            time.sleep(RETRY_BACKOFF_S * attempt)
        raise AssertionError("unreachable")  # the last try returns or raises

    def set_clock(self, when: datetime) -> None:
        """The whole stack's time (one PUT: the service fans it out to the other five)."""
        self.call("PUT", "patient", "/api/clock", admin=True, json={"now": when.isoformat()})

    def clock(self) -> dict[str, Any]:
        return self.call("GET", "patient", "/api/clock", admin=True)

    def settled(self) -> bool:
        """True when no service has unpublished outbox rows or consumer lag (the six asked at
        once)."""
        return all(answer["settled"] for answer in self.pipeline())

    def pipeline(self) -> list[dict[str, Any]]:
        return list(
            self._pool.map(
                lambda service: self.call("GET", service, "/api/pipeline", admin=True), SERVICES
            )
        )

    @property
    def _pool(self) -> ThreadPoolExecutor:
        if not hasattr(self, "_executor"):
            self._executor = ThreadPoolExecutor(len(SERVICES), thread_name_prefix="pipeline")
        return self._executor

    def settle(self, timeout_s: float = SETTLE_TIMEOUT_S) -> None:
        """Wait until every service has caught up: settled SETTLED_POLLS times in a row with no
        event applied in between (the local broker reports a partly read batch as read, so
        "lag 0" alone can come a moment early)."""
        deadline, in_a_row, last = time.monotonic() + timeout_s, 0, None
        while in_a_row < SETTLED_POLLS:
            answers = self.pipeline()
            applied = [a.get("last_event_applied_at") for a in answers]
            quiet = all(a["settled"] for a in answers) and applied == last
            in_a_row = in_a_row + 1 if quiet else 0
            last = applied
            if time.monotonic() > deadline:
                raise TimeoutError(f"the stack did not settle within {timeout_s:.0f} s")
            if in_a_row < SETTLED_POLLS:
                time.sleep(SETTLE_POLL_S)

    def pages(self, service: str, path: str, **kw: Any) -> Iterator[dict[str, Any]]:
        """Every item of a paged list."""
        joiner = "&" if "?" in path else "?"
        page = 1
        while True:
            body = self.call("GET", service, f"{path}{joiner}page={page}&per_page={PER_PAGE}", **kw)
            yield from body["items"]
            if page * PER_PAGE >= body["total"]:
                return
            page += 1

    def per_patient(self, service: str, route: str, patient_ids: list[int]) -> Iterator[Any]:
        """The items of a `?patient_ids=` route (role service) for any number of patients,
        IDS_PER_QUERY at a time."""
        for start in range(0, len(patient_ids), IDS_PER_QUERY):
            query = ",".join(str(i) for i in patient_ids[start : start + IDS_PER_QUERY])
            # service tokens live minutes: a fresh one for each call
            headers = {"Authorization": f"Bearer {make_token('service', 'simulation')}"}
            response = self.session.get(
                f"{URLS[service]}{route}?patient_ids={query}",
                headers=headers,
                timeout=self.timeout_s,
            )
            if response.status_code != 200:
                raise ApiError(
                    f"GET {service}{route} -> {response.status_code}: {response.text[:500]}"
                )
            yield from response.json()["items"]

    def job_result(self, service: str, name: str) -> dict[str, Any]:
        return self.job(service, name)["result"] or {}


def repeatable(method: str, path: str) -> bool:
    """True for a request that has the same effect however often it is sent."""
    bare = path.split("?", 1)[0]
    return (
        method == "GET"
        or (method == "PUT" and bare == "/api/clock")
        or (method == "POST" and JOB_RUN.match(bare) is not None)
    )


@dataclass(frozen=True)
class CaughtMail:
    """One message the SMTP catcher stored."""

    path: Path
    message_id: str
    to: str
    subject: str

    @property
    def email_id(self) -> int | None:
        """The communication service's e-mail id its Message-ID carries, if any."""
        found = MESSAGE_ID.search(self.message_id)
        return int(found.group(1)) if found else None


class Mailbox:
    """Reads the catcher's folder: each call of `new()` yields the files not seen before."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._seen: set[str] = set()

    def skip_existing(self) -> None:
        self._seen.update(self._names())

    def new(self) -> list[CaughtMail]:
        """The messages stored since the last call, their headers only."""
        fresh = sorted(name for name in self._names() if name not in self._seen)
        mails = []
        for name in fresh:
            self._seen.add(name)
            path = self.folder / name
            with path.open("rb") as file:
                message = HEADERS.parse(file, headersonly=True)
            mails.append(
                CaughtMail(
                    path=path,
                    message_id=str(message["Message-ID"] or "").strip(),
                    to=str(message["To"] or "").strip().lower(),
                    subject=str(message["Subject"] or ""),
                )
            )
        return mails

    def _names(self) -> list[str]:
        with os.scandir(self.folder) as entries:
            return [e.name for e in entries if e.name.endswith(".eml")]


__all__ = ["URLS", "ApiError", "CaughtMail", "Mailbox", "SERVICES", "StackApi"]
