"""Fakes for unit tests of use cases: no database, no broker, milliseconds each."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Any, Self

from shared.events.envelope import DomainEvent, Envelope


class FakeEvents:
    """Collects the events a use case records, in order, instead of writing an outbox."""

    def __init__(self) -> None:
        self.recorded: list[tuple[DomainEvent, datetime]] = []

    def add(self, event: DomainEvent, occurred_at: datetime) -> Envelope:
        self.recorded.append((event, occurred_at))
        return event.envelope("test", occurred_at, None)

    def types(self) -> list[str]:
        return [event.event_type for event, _ in self.recorded]

    def of(self, kind: type[DomainEvent]) -> list[Any]:
        return [event for event, _ in self.recorded if isinstance(event, kind)]


class FakeUnitOfWork:
    """The unit-of-work protocol in memory: a service's fake adds its fake stores as
    attributes; `commits` counts commits, changes made without one are the test's to check."""

    def __init__(self) -> None:
        self.events = FakeEvents()
        self.commits = 0
        self.committed = False
        self.entered = 0

    def __enter__(self) -> Self:
        self.entered += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def commit(self) -> None:
        self.commits += 1
        self.committed = True


class FakeStackClockStore:
    """The stack clock's row in memory (`shared.clock.StackClockStore`): counts its reads and
    fails them when told to."""

    def __init__(self, simulated: datetime | None = None) -> None:
        self.simulated = simulated
        self.reads = 0
        self.failing = False

    def read(self) -> datetime | None:
        self.reads += 1
        if self.failing:
            raise ConnectionError("database away")
        return self.simulated

    def advance(self, when: datetime) -> bool:
        if self.simulated is not None and self.simulated > when:
            return False
        self.simulated = when
        return True

    def clear(self) -> None:
        self.simulated = None
