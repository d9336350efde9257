"""The console's time for the work of the day ("Heute", the record's date, a form's default).

With CONSOLE_FOLLOW_STACK_CLOCK (the local stack sets it when the services allow a simulated
clock) the console shows the stack's time: `GET /api/clock` of the patient service, as the
logged-in person, kept for CACHE_S. Otherwise, and whenever the service does not answer, it is
the system's time. Sessions, idle timeouts and lockouts always run on real time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from staff_console.services import ApiRejected, ServiceUnavailable

BERLIN = ZoneInfo("Europe/Berlin")
CACHE_S = 0.5


class StackTime:
    """`now()` from `fetch` (the stack's clock) at most every CACHE_S, else system time."""

    def __init__(
        self,
        fetch: Callable[[], datetime] | None,
        monotonic: Callable[[], float] = time.monotonic,
        system: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._fetch, self._monotonic, self._system = fetch, monotonic, system
        self._offset_at: tuple[float, datetime] | None = None

    def now(self) -> datetime:
        if self._fetch is None:
            return self._system()
        at = self._monotonic()
        if self._offset_at is None or at - self._offset_at[0] >= CACHE_S:
            try:
                self._offset_at = (at, self._fetch())
            except (ServiceUnavailable, ApiRejected):
                return self._system()
        return self._offset_at[1]


def today_now() -> datetime:
    """The time of the day's work in Europe/Berlin (inside a request)."""
    clock: StackTime = current_app.extensions["console_clock"]
    return clock.now().astimezone(BERLIN)
