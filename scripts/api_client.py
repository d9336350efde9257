"""A small client of the running stack for the demo and the benchmarks: URLs, tokens, polling.

Base URLs come from `shared.config.SERVICE_PORTS`, tokens from `scripts.stack.make_token`. A 429
(write rate limit) is waited out as its `Retry-After` header says, never counted as success.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import requests

from scripts import infra
from scripts.stack import make_token
from shared.config import SERVICE_PORTS

ROOT = Path(__file__).resolve().parents[1]
URLS = {
    name.removesuffix("_service"): f"http://127.0.0.1:{port}"
    for name, port in SERVICE_PORTS.items()
}
MAX_RATE_LIMIT_WAITS = 20
T = TypeVar("T")


class ApiError(RuntimeError):
    """An answer the caller did not expect (status and body in the message)."""


class Api:
    """Calls as admin or as one of `staff_count` staff members (a team shares the work)."""

    def __init__(
        self, staff_count: int = 1, timeout_s: float = 30.0, subject: str = "demo"
    ) -> None:
        self.admin = {"Authorization": f"Bearer {make_token('admin', f'{subject}-admin')}"}
        self.staff = [
            {"Authorization": f"Bearer {make_token('staff', f'{subject}-staff-{n}')}"}
            for n in range(staff_count)
        ]
        self.timeout_s = timeout_s
        self.rate_limit_waits = 0
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        """One connection pool per thread (requests sessions are not thread-safe)."""
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def send(
        self, method: str, service: str, path: str, admin: bool = False, who: int = 0, **kw: Any
    ) -> requests.Response:
        """One request; a 429 is retried after its Retry-After (a bounded number of times)."""
        headers = self.admin if admin else self.staff[who % len(self.staff)]
        for _ in range(MAX_RATE_LIMIT_WAITS):
            response = self.session.request(
                method, URLS[service] + path, headers=headers, timeout=self.timeout_s, **kw
            )
            if response.status_code != 429:
                return response
            self.rate_limit_waits += 1
            time.sleep(float(response.headers.get("Retry-After") or 1))
        return response

    def call(
        self, method: str, service: str, path: str, expect: tuple[int, ...] = (200,), **kw: Any
    ) -> Any:
        """The JSON answer of one request; ApiError unless the status is one of `expect`."""
        response = self.send(method, service, path, **kw)
        if response.status_code not in expect:
            raise ApiError(
                f"{method} {service}{path} -> {response.status_code}: {response.text[:500]}"
            )
        return response.json() if response.content else None

    def job(self, service: str, name: str) -> dict[str, Any]:
        """Run a scheduled job now (admin) and return its result."""
        return self.call("POST", service, f"/api/jobs/{name}/run", admin=True, json={})

    def total(self, service: str, path: str, **kw: Any) -> int:
        """The `total` of a paged list (one item fetched)."""
        joiner = "&" if "?" in path else "?"
        return int(self.call("GET", service, f"{path}{joiner}per_page=1", **kw)["total"])


def ready(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/ready", timeout=3).status_code == 200
    except requests.RequestException:
        return False


def stack_ready() -> bool:
    """True when all six services answer /ready with 200."""
    return all(ready(port) for port in SERVICE_PORTS.values())


def until(
    probe: Callable[[], T],
    what: str,
    timeout_s: float = 120.0,
    every_s: float = 0.5,
    status: Callable[[], str] | None = None,
    **poll_options: Any,
) -> T:
    """Poll `probe` until it returns something truthy; TimeoutError naming `what` otherwise.
    While it waits, `waiting for WHAT[: STATUS] (N s)` is printed every 5 s."""
    value = infra.poll(probe, what, timeout_s, every_s, status=status, **poll_options)
    if not value:
        raise TimeoutError(f"timed out after {timeout_s:.0f}s waiting for {what}")
    return value


def stack_command(*args: str, env: dict[str, str] | None = None) -> None:
    """Run `scripts/stack.py ARGS`; its output goes to ours (stderr), failures raise."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "stack.py"), *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=sys.stderr,
        stderr=sys.stderr,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"stack.py {' '.join(args)} failed (exit {done.returncode})")


@contextmanager
def running_stack(database: str, env: dict[str, str] | None = None) -> Iterator[bool]:
    """Use the stack on 8001-8006 if it answers; else start one on a fresh `database` and stop
    only its services afterwards. Yields True when it started the stack itself."""
    if stack_ready():
        yield False
        return
    if any(_port_taken(port) for port in SERVICE_PORTS.values()):
        raise RuntimeError("ports 8001-8006 are taken but the services are not ready")
    stack_command("reset-db", "--database", database)
    stack_command("up", "--database", database, env=env)
    try:
        yield True
    finally:
        stack_command("stop-services")


def _port_taken(port: int) -> bool:
    try:
        requests.get(f"http://127.0.0.1:{port}/health", timeout=1)
        return True
    except requests.RequestException:
        return False
