"""Writing events to a service's outbox inside the caller's transaction (no Kafka here)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from shared.events.envelope import DomainEvent, Envelope


class OutboxWriter:
    """Adds events to `<schema>.outbox`; the relay publishes them after commit."""

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
        envelope = event.envelope(self._producer, occurred_at, correlation_id)
        self.add_envelope(session, envelope, event.key())
        return envelope

    def add_envelope(self, session: Session, envelope: Envelope, key: str) -> None:
        session.execute(
            insert(self._table).values(
                event_id=envelope.event_id,
                topic=self._topic,
                key=key,
                event_type=envelope.event_type,
                envelope=envelope.to_dict(),
            )
        )
