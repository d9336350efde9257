"""Writing events to a service's outbox inside the caller's transaction (no Kafka here)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from shared.correlation import current_correlation_id
from shared.events.envelope import DomainEvent, Envelope


class OutboxWriter:
    """Adds events to `<schema>.outbox`; the relay publishes them after commit.

    Without an explicit correlation id, an event carries the one of the work in progress (the
    HTTP request, the consumed event or the job run that caused it).
    """

    def __init__(self, table: Table, producer: str, topic: str) -> None:
        self._table = table
        self._producer = producer
        self._topic = topic

    def add(
        self,
        session: Session,
        event: DomainEvent,
        occurred_at: datetime,
        correlation_id: str | None = None,
    ) -> Envelope:
        correlation_id = correlation_id or current_correlation_id()
        envelope = event.envelope(self._producer, occurred_at, correlation_id)
        self.add_envelope(session, envelope, event.key())
        return envelope

    def add_envelope(self, session: Session, envelope: Envelope, key: str) -> None:
        current = current_correlation_id()
        if envelope.correlation_id is None and current is not None:
            envelope = envelope.model_copy(update={"correlation_id": current})
        session.execute(
            insert(self._table).values(
                event_id=envelope.event_id,
                topic=self._topic,
                key=key,
                event_type=envelope.event_type,
                envelope=envelope.to_dict(),
            )
        )


def unpublished_count(session: Session, table: Table) -> int:
    """Rows of an outbox not yet published (a partial index keeps this cheap)."""
    query = select(func.count()).select_from(table).where(table.c.published_at.is_(None))
    return int(session.execute(query).scalar_one())
