"""Clock abstraction: every time rule asks a clock, never `datetime.now()` directly."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

log = logging.getLogger(__name__)

# How long a process keeps the stack clock's row before reading it again (seconds): every web
# and worker process follows a PUT /api/clock within one second.
STACK_CLOCK_TTL_S = 0.5


class Clock(Protocol):
    """Something that tells the current time (timezone-aware, UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock for tests: stands still until moved."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = ensure_aware(when)

    def advance(self, **kwargs: float) -> datetime:
        self._now += timedelta(**kwargs)
        return self._now


class StackClockStore(Protocol):
    """Where the stack's simulated instant is kept (one row per service schema)."""

    def read(self) -> datetime | None:
        """The simulated instant, or None for real time."""
        ...

    def advance(self, when: datetime) -> bool:
        """Set the simulated instant unless a later one is set; False when refused."""
        ...

    def clear(self) -> None:
        """Back to real time."""
        ...


class StackClock:
    """The stack's time: the simulated instant when one is set (frozen there), else `system`.

    The row is read at most once per `ttl_s` on the `monotonic` clock (a failed read keeps the
    last value), so a process follows a change made by another one within `ttl_s`.
    """

    def __init__(
        self,
        store: StackClockStore,
        system: Clock | None = None,
        ttl_s: float = STACK_CLOCK_TTL_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._system = system or SystemClock()
        self._ttl_s = ttl_s
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._simulated: datetime | None = None
        self._read_at: float | None = None

    def now(self) -> datetime:
        simulated = self.simulated_now()
        return simulated if simulated is not None else self._system.now()

    def simulated_now(self) -> datetime | None:
        """The simulated instant (None: real time), read again once the cache is `ttl_s` old."""
        with self._lock:
            at = self._monotonic()
            if self._read_at is None or at - self._read_at >= self._ttl_s:
                self._refresh(at)
            return self._simulated

    def advance(self, when: datetime) -> bool:
        """Store a new simulated instant (refused, False, when an earlier one is set)."""
        applied = self._store.advance(ensure_aware(when))
        self.forget()
        return applied

    def clear(self) -> None:
        """Back to real time."""
        self._store.clear()
        self.forget()

    def forget(self) -> None:
        """Read the row again on the next question (after this process changed it)."""
        with self._lock:
            self._read_at = None

    def _refresh(self, at: float) -> None:
        try:
            stored = self._store.read()
        except Exception as exc:  # noqa: BLE001 - the database may be away; keep the last value
            log.warning("stack clock not readable: %s", type(exc).__name__)
        else:
            self._simulated = ensure_aware(stored).astimezone(UTC) if stored is not None else None
        self._read_at = at


class OverridableClock:
    """System time unless a job run pins `as_of` for the current thread (tests only)."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._local = threading.local()

    @property
    def stack(self) -> StackClock | None:
        """The stack clock beneath (ALLOW_CLOCK_OVERRIDE), else None."""
        return self._base if isinstance(self._base, StackClock) else None

    def now(self) -> datetime:
        pinned = getattr(self._local, "as_of", None)
        return pinned if pinned is not None else self._base.now()

    def pin(self, as_of: datetime | None) -> None:
        self._local.as_of = ensure_aware(as_of) if as_of else None


def follow(clock: Clock) -> None:
    """Read the stack clock's row again on the next question (nothing without a stack clock).

    Called when a request, an event or a job run starts, so whatever starts after a
    `PUT /api/clock` has returned sees the new instant; the half-second cache only serves the
    questions within one piece of work."""
    stack = clock.stack if isinstance(clock, OverridableClock) else clock
    if isinstance(stack, StackClock):
        stack.forget()


def clock_view(clock: OverridableClock) -> dict[str, str | bool]:
    """What `GET /api/clock` and a worker's `GET /clock` answer: the time, and whether it is
    the stack's simulated one."""
    stack = clock.stack
    simulated = stack.simulated_now() if stack is not None else None
    now = simulated if simulated is not None else clock.now()
    return {"now": now.astimezone(UTC).isoformat(), "simulated": simulated is not None}


def ensure_aware(when: datetime) -> datetime:
    """Treat naive datetimes as UTC."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)
