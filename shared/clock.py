"""Clock abstraction: every time rule asks a clock, never `datetime.now()` directly."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


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


class OverridableClock:
    """System time unless a job run pins `as_of` for the current thread (tests only)."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._local = threading.local()

    def now(self) -> datetime:
        pinned = getattr(self._local, "as_of", None)
        return pinned if pinned is not None else self._base.now()

    def pin(self, as_of: datetime | None) -> None:
        self._local.as_of = ensure_aware(as_of) if as_of else None


def ensure_aware(when: datetime) -> datetime:
    """Treat naive datetimes as UTC."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)
