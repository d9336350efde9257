"""The unit of work: one transaction per request, event or job step.

`UnitOfWork` opens a session and rolls back on exit unless `commit()` was called. A service
subclasses it to bind its stores (`store/` modules) to the session, so use cases reach the
database only through `uow.<store>` and unit tests can pass a fake with the same attributes
(`tests/support/fakes.py`). `UnitOfWork.joined(session)` runs a use case inside a transaction
someone else owns (the consumer loop's, which commits after the dedupe row is written).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from sqlalchemy.orm import Session

from shared.events.envelope import DomainEvent, Envelope
from shared.outbox import OutboxWriter


class EventLog(Protocol):
    """Where a use case records the events of its change (the outbox, or a fake list)."""

    def add(self, event: DomainEvent, occurred_at: datetime) -> Envelope: ...


class OutboxEvents:
    """Events written to the service's outbox in the unit of work's own transaction."""

    def __init__(self, writer: OutboxWriter, session: Session) -> None:
        self._writer = writer
        self._session = session

    def add(self, event: DomainEvent, occurred_at: datetime) -> Envelope:
        return self._writer.add(self._session, event, occurred_at)


class UnitOfWork:
    """One database transaction; subclasses add their stores in `bind()`."""

    session: Session
    events: EventLog

    def __init__(
        self,
        session_factory: Callable[[], Session],
        outbox: OutboxWriter | None = None,
        session: Session | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._outbox = outbox
        self._joined = session
        self.committed = False

    @classmethod
    def joined(cls, session: Session, outbox: OutboxWriter | None = None) -> Self:
        """A unit of work inside an open transaction it does not own (commit = flush)."""
        return cls(lambda: session, outbox, session)

    def __enter__(self) -> Self:
        self.session = self._joined or self._session_factory()
        if self._outbox is not None:
            self.events = OutboxEvents(self._outbox, self.session)
        self.bind(self.session)
        return self

    def bind(self, session: Session) -> None:
        """Create the service's stores on `session` (overridden by each service)."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._joined is not None:
            return
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        if self._joined is not None:
            self.session.flush()
        else:
            self.session.commit()
        self.committed = True
