"""Writing events to a service's outbox inside the caller's transaction (no Kafka here)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Table, delete, func, insert, or_, select, update
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


def prune_published(session: Session, table: Table, now: datetime, retention_days: int) -> int:
    """Delete rows published more than `retention_days` before `now` (they are on the topic);
    unpublished rows are never pruned."""
    cutoff = now - timedelta(days=retention_days)
    result = session.execute(
        delete(table).where(table.c.published_at.is_not(None), table.c.published_at < cutoff)
    )
    return int(cast("CursorResult[Any]", result).rowcount or 0)


def erase_patient_profiles(
    session: Session, table: Table, patient_id: int, event_types: Iterable[str]
) -> int:
    """Take the patient out of the outbox rows of `event_types` that carry the pseudonymous
    profile (age, gender, complaint groups, availability): a row keyed `patient:<id>` goes,
    and a row listing several patients under `payload.requests` loses the patient's entries
    (and goes when none is left). Returns the rows changed or deleted."""
    types = list(event_types)
    listed = {"payload": {"requests": [{"patient_id": patient_id}]}}
    rows = session.execute(
        select(table.c.id, table.c.key, table.c.envelope)
        .where(table.c.event_type.in_(types))
        .where(or_(table.c.key == f"patient:{patient_id}", table.c.envelope.contains(listed)))
        .with_for_update()
    ).all()
    changed = 0
    for row in rows:
        kept = _other_patients(row.envelope, patient_id)
        if row.key == f"patient:{patient_id}" or not kept:
            session.execute(delete(table).where(table.c.id == row.id))
        else:
            envelope = {**row.envelope, "payload": {**row.envelope["payload"], "requests": kept}}
            session.execute(update(table).where(table.c.id == row.id).values(envelope=envelope))
        changed += 1
    return changed


def _other_patients(envelope: dict[str, Any], patient_id: int) -> list[dict[str, Any]]:
    requests = envelope.get("payload", {}).get("requests") or []
    return [item for item in requests if item.get("patient_id") != patient_id]
