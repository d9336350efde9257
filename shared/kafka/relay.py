"""Outbox relay: publishes unpublished outbox rows in order and marks them published."""

from __future__ import annotations

import json
import logging
import threading
import time
import zlib
from collections.abc import Callable

from prometheus_client import Counter, Gauge
from sqlalchemy import Table, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from shared.clock import Clock, SystemClock
from shared.kafka.robust_producer import Record, RobustKafkaProducer, SendResult
from shared.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

PUBLISHED = Counter("outbox_published_total", "Outbox rows published", ["service"])
# Under gunicorn (multiprocess mode) the web workers set it at scrape time: the newest counts.
BACKLOG = Gauge(
    "outbox_backlog",
    "Outbox rows not yet published",
    ["service"],
    multiprocess_mode="mostrecent",
)
RELAY_ERRORS = Counter("outbox_relay_errors_total", "Relay rounds that failed", ["service"])


def advisory_lock_id(name: str) -> int:
    """A stable 31-bit id for a transaction-level advisory lock."""
    return zlib.crc32(f"outbox-relay:{name}".encode()) & 0x7FFFFFFF


def successful_prefix(results: list[SendResult]) -> int:
    """How many records, from the start, were acknowledged (order is kept by stopping there)."""
    for index, result in enumerate(results):
        if not result.ok:
            return index
    return len(results)


class OutboxRelay:
    """Moves rows from `<schema>.outbox` to Kafka. One relay per schema publishes at a time."""

    def __init__(
        self,
        session_factory: Callable[[], Session],
        table: Table,
        producer: RobustKafkaProducer,
        name: str,
        batch_size: int = 500,
        clock: Clock | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock or SystemClock()
        self._table = table
        self._producer = producer
        self._name = name
        self._batch_size = batch_size
        self._lock_id = advisory_lock_id(name)

    def publish_once(self) -> int:
        """Publish one batch; return how many rows were published. Raises on broker failure."""
        t = self._table
        with UnitOfWork(self._session_factory) as uow:
            locked = uow.session.execute(select(func.pg_try_advisory_xact_lock(self._lock_id)))
            if not locked.scalar():
                return 0
            rows = uow.session.execute(
                select(t.c.id, t.c.topic, t.c.key, t.c.envelope)
                .where(t.c.published_at.is_(None))
                .order_by(t.c.id)
                .limit(self._batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return 0
            records = [Record(r.topic, r.key, _encode(r.envelope)) for r in rows]
            results = self._producer.send_batch(records)
            done = successful_prefix(results)
            if done:
                ids = [r.id for r in rows[:done]]
                uow.session.execute(
                    update(t).where(t.c.id.in_(ids)).values(published_at=self._clock.now())
                )
                uow.commit()
                PUBLISHED.labels(self._name).inc(done)
        if done < len(rows):
            raise RuntimeError(f"broker refused outbox rows: {results[done].error!r}")
        return done

    def backlog(self) -> int:
        """Rows waiting to be published."""
        t = self._table
        with UnitOfWork(self._session_factory) as uow:
            count = uow.session.execute(
                select(func.count()).select_from(t).where(t.c.published_at.is_(None))
            ).scalar_one()
        BACKLOG.labels(self._name).set(count)
        return int(count)

    def run(self, stop: threading.Event, idle_s: float = 0.2, max_backoff_s: float = 5.0) -> None:
        """Publish until `stop` is set; back off while the broker or database is down."""
        backoff, counted_at = idle_s, 0.0
        while not stop.is_set():
            try:
                published = self.publish_once()
                backoff = idle_s
                if time.monotonic() - counted_at > 5:
                    self.backlog()
                    counted_at = time.monotonic()
                if published == 0:
                    stop.wait(idle_s)
            except (RuntimeError, SQLAlchemyError, OSError) as exc:
                RELAY_ERRORS.labels(self._name).inc()
                log.warning("outbox relay %s: %s; retrying in %.1fs", self._name, exc, backoff)
                stop.wait(backoff)
                backoff = min(max_backoff_s, backoff * 2)


def _encode(envelope: dict) -> bytes:
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()
