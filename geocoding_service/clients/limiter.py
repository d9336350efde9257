"""A process-wide minimum interval between outbound calls (Nominatim's 1 request/s policy)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class MinIntervalLimiter:
    """At most one call per `interval_s` in this process (Nominatim's 1 request/s policy)."""

    def __init__(
        self,
        interval_s: float,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._interval = interval_s
        self._sleep = sleep
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        with self._lock:
            now = self._monotonic()
            if self._next > now:
                self._sleep(self._next - now)
            self._next = max(now, self._next) + self._interval
