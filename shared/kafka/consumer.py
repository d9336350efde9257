"""Consumer loop: apply each event once (dedupe in the same transaction), commit after the DB."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from kafka import KafkaConsumer
from kafka.errors import KafkaError
from prometheus_client import Counter, Gauge
from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from shared.config import KAFKA_FETCH_MAX_WAIT_MS
from shared.correlation import correlated
from shared.events.envelope import Envelope, EnvelopeError
from shared.events.topics import dlq_topic
from shared.kafka.robust_producer import ProducerError, RobustKafkaProducer
from shared.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

Handler = Callable[[Session, Envelope], None]

HANDLED = Counter("events_consumed_total", "Events consumed, by outcome", ["group", "outcome"])
LAG = Gauge(
    "kafka_consumer_lag",
    "Messages behind the high-water mark",
    ["group", "topic"],
    multiprocess_mode="mostrecent",
)


class InfrastructureError(RuntimeError):
    """The database or broker is unavailable: retry later, never dead-letter."""


def is_infrastructure_error(exc: Exception) -> bool:
    """Errors caused by an unreachable dependency rather than by the message itself."""
    if isinstance(exc, OperationalError | ProducerError | KafkaError | OSError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


class EventConsumer:
    """Polls topics, applies handlers exactly once per event_id, dead-letters poison messages."""

    def __init__(
        self,
        *,
        bootstrap_servers: str,
        group_id: str,
        topics: list[str],
        handlers: Mapping[str, Handler],
        session_factory: Callable[[], Session],
        processed_table: Table,
        dlq_producer: RobustKafkaProducer,
        max_attempts: int = 3,
        session_timeout_ms: int = 6000,
        heartbeat_interval_ms: int = 1000,
        fetch_max_wait_ms: int = KAFKA_FETCH_MAX_WAIT_MS,
        retry_backoff_s: float = 0.2,
        partition_workers: int = 1,
        factory: Callable[..., Any] = KafkaConsumer,
    ) -> None:
        self.group_id = group_id
        self.topics = topics
        self._handlers = handlers
        self._session_factory = session_factory
        self._processed = processed_table
        self._dlq = dlq_producer
        self._max_attempts = max_attempts
        self._retry_backoff_s = retry_backoff_s
        self._partition_workers = max(1, partition_workers)
        self._pool: ThreadPoolExecutor | None = None
        self._factory = factory
        self._config = {
            "bootstrap_servers": bootstrap_servers.split(","),
            "group_id": group_id,
            "enable_auto_commit": False,
            "auto_offset_reset": "earliest",
            "session_timeout_ms": session_timeout_ms,
            "heartbeat_interval_ms": heartbeat_interval_ms,
            "max_poll_records": 500,
            "fetch_max_wait_ms": fetch_max_wait_ms,
            "request_timeout_ms": max(30000, session_timeout_ms + 5000),
            "reconnect_backoff_max_ms": 2000,
        }
        self._consumer: Any = None
        self._lag: dict[Any, int] = {}

    def _connect(self) -> Any:
        if self._consumer is None:
            self._consumer = self._factory(**self._config)
            self._consumer.subscribe(self.topics)
        return self._consumer

    def _disconnect(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            try:
                consumer.close(autocommit=False)
            except Exception:  # noqa: BLE001 - a broken consumer is being replaced anyway
                log.debug("closing consumer raised", exc_info=True)

    def close(self) -> None:
        """Leave the consumer group (committed offsets stay)."""
        self._disconnect()
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def poll_once(self, timeout_ms: int = 1000) -> int:
        """Process one polled batch and commit its offsets; return the number of messages."""
        consumer = self._connect()
        batch = self._poll_batch(consumer, timeout_ms)
        messages = [message for records in batch.values() for message in records]
        if not messages:
            return 0
        self._apply_partitions(list(batch.values()))
        for tp, records in batch.items():
            self._record_lag(consumer, tp, records[-1].offset)
        consumer.commit()  # only after the batch's transaction(s) committed
        return len(messages)

    def _poll_batch(self, consumer: Any, timeout_ms: int) -> dict[Any, list[Any]]:
        """One poll, topped up with what is already fetched (the poll drains one partition at a
        time), so that several partitions can be applied side by side."""
        batch = {tp: list(records) for tp, records in consumer.poll(timeout_ms=timeout_ms).items()}
        for _ in range(self._partition_workers - 1):
            more = consumer.poll(timeout_ms=0)
            if not more:
                break
            for tp, records in more.items():
                batch.setdefault(tp, []).extend(records)
        return batch

    def _apply_partitions(self, partitions: list[Sequence[Any]]) -> None:
        """Each partition's messages in their own transaction; up to `partition_workers` at once
        (as that many consumers of the group would: order holds within a partition)."""
        if len(partitions) == 1 or self._partition_workers == 1:
            for messages in partitions:
                self.handle_batch(messages)
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._partition_workers, f"{self.group_id}-apply")
        futures = [self._pool.submit(self.handle_batch, m) for m in partitions]
        errors = [exc for exc in (f.exception() for f in futures) if exc is not None]
        if errors:
            raise errors[0]

    def handle_batch(self, messages: Sequence[Any]) -> list[str]:
        """Apply polled messages in one transaction (dedupe per event, in order); one outcome each.

        When a handler raises, the batch is rolled back and applied again one event per
        transaction (`handle_message`), so only the poison event goes to the dead-letter topic.
        """
        envelopes = _decoded(messages)
        if envelopes is None or len(messages) == 1:
            return [self.handle_message(message) for message in messages]
        try:
            outcomes = self._apply_batch(messages, envelopes)
        except Exception as exc:  # noqa: BLE001 - sorted into outage or one-by-one replay
            if is_infrastructure_error(exc):
                raise InfrastructureError(str(exc)) from exc
            log.warning("batch of %d failed (%s): one event per transaction", len(messages), exc)
            return [self.handle_message(message) for message in messages]
        for outcome in outcomes:
            HANDLED.labels(self.group_id, outcome).inc()
        return outcomes

    def _apply_batch(self, messages: Sequence[Any], envelopes: list[Envelope]) -> list[str]:
        if not any(e.event_type in self._handlers for e in envelopes):
            return ["ignored"] * len(envelopes)
        with UnitOfWork(self._session_factory) as uow:
            fresh = self._claim(uow.session, messages, envelopes)
            outcomes = [self._apply_claimed(uow.session, e, fresh) for e in envelopes]
            uow.commit()
        return outcomes

    def _claim(
        self, session: Session, messages: Sequence[Any], envelopes: list[Envelope]
    ) -> set[str]:
        """One INSERT ... ON CONFLICT DO NOTHING for the batch: the event ids not seen before."""
        rows: dict[str, dict[str, str]] = {}
        for message, envelope in zip(messages, envelopes, strict=True):
            if envelope.event_type in self._handlers:
                row = {"event_id": envelope.event_id, "event_type": envelope.event_type}
                rows.setdefault(_id_key(envelope.event_id), {**row, "topic": message.topic})
        if not rows:
            return set()
        # One statement for the batch (insertmanyvalues: a multi-row VALUES, compiled once).
        claim = (
            insert(self._processed).on_conflict_do_nothing().returning(self._processed.c.event_id)
        )
        inserted = session.execute(claim, list(rows.values())).scalars()
        return {_id_key(str(event_id)) for event_id in inserted}

    def _apply_claimed(self, session: Session, envelope: Envelope, fresh: set[str]) -> str:
        """Apply one event of a batch if its id was claimed (once, even if it came twice)."""
        handler = self._handlers.get(envelope.event_type)
        if handler is None:
            return "ignored"
        key = _id_key(envelope.event_id)
        if key not in fresh:
            return "duplicate"
        fresh.discard(key)
        with correlated(envelope.correlation_id or envelope.event_id):
            handler(session, envelope)
            session.flush()
        session.expire_all()  # the next handler reads the database, as in its own transaction
        log.debug("applied %s %s", envelope.event_type, envelope.event_id)
        return "applied"

    def _record_lag(self, consumer: Any, tp: Any, last_offset: int) -> None:
        """`kafka_consumer_lag{group, topic}`: messages behind, summed over partitions."""
        highwater = consumer.highwater(tp)
        if highwater is None:
            return
        self._lag[tp] = max(0, highwater - last_offset - 1)
        total = sum(lag for part, lag in self._lag.items() if part.topic == tp.topic)
        LAG.labels(self.group_id, tp.topic).set(total)

    def handle_message(self, message: Any) -> str:
        """Apply one message; return applied | duplicate | ignored | dead_lettered."""
        try:
            envelope = Envelope.from_bytes(message.value)
        except EnvelopeError as exc:
            return self._dead_letter(message, exc)
        handler = self._handlers.get(envelope.event_type)
        if handler is None:
            HANDLED.labels(self.group_id, "ignored").inc()
            return "ignored"
        # Logs and events of the handler carry the event's correlation id (or start one).
        with correlated(envelope.correlation_id or envelope.event_id):
            return self._apply_with_retries(message, envelope, handler)

    def _apply_with_retries(self, message: Any, envelope: Envelope, handler: Handler) -> str:
        for attempt in range(1, self._max_attempts + 1):
            try:
                outcome = self._apply(message, envelope, handler)
                HANDLED.labels(self.group_id, outcome).inc()
                return outcome
            except Exception as exc:  # noqa: BLE001 - sorted into retry, outage or poison
                if is_infrastructure_error(exc):
                    raise InfrastructureError(str(exc)) from exc
                log.warning(
                    "handler for %s failed (attempt %d): %s", envelope.event_type, attempt, exc
                )
                if attempt == self._max_attempts:
                    return self._dead_letter(message, exc)
                time.sleep(self._retry_backoff_s * attempt)
        raise AssertionError("unreachable")

    def _apply(self, message: Any, envelope: Envelope, handler: Handler) -> str:
        with UnitOfWork(self._session_factory) as uow:
            inserted = uow.session.execute(
                insert(self._processed)
                .values(
                    event_id=envelope.event_id, event_type=envelope.event_type, topic=message.topic
                )
                .on_conflict_do_nothing()
                .returning(self._processed.c.event_id)
            ).first()
            if inserted is None:
                return "duplicate"
            handler(uow.session, envelope)
            uow.commit()
        log.debug("applied %s %s", envelope.event_type, envelope.event_id)
        return "applied"

    def _dead_letter(self, message: Any, error: Exception) -> str:
        body = {
            "error": f"{type(error).__name__}: {error}"[:2000],
            "topic": message.topic,
            "partition": message.partition,
            "offset": message.offset,
            "consumer_group": self.group_id,
            "failed_at": datetime.now(UTC).isoformat(),
            "key": _text(message.key),
            "value": _text(message.value),
        }
        key = _text(message.key) or f"{message.topic}:{message.partition}:{message.offset}"
        self._dlq.send_and_wait(dlq_topic(message.topic), key, json.dumps(body).encode())
        HANDLED.labels(self.group_id, "dead_lettered").inc()
        log.error("dead-lettered %s@%s: %s", message.topic, message.offset, body["error"])
        return "dead_lettered"

    def run(self, stop: threading.Event, max_backoff_s: float = 10.0) -> None:
        """Consume until `stop` is set; reconnect with backoff after broker or database outages."""
        backoff = 0.5
        while not stop.is_set():
            try:
                self.poll_once()
                backoff = 0.5
            except (InfrastructureError, ProducerError, KafkaError, OSError) as exc:
                log.warning("consumer %s: %s; reconnecting in %.1fs", self.group_id, exc, backoff)
                self._disconnect()
                stop.wait(backoff)
                backoff = min(max_backoff_s, backoff * 2)
        self.close()


def _decoded(messages: Sequence[Any]) -> list[Envelope] | None:
    """The messages' envelopes, or None when one is malformed (it is dead-lettered one by one)."""
    try:
        return [Envelope.from_bytes(message.value) for message in messages]
    except EnvelopeError:
        return None


def _id_key(event_id: str) -> str:
    """An event id as PostgreSQL's uuid type returns it (canonical, lower case)."""
    try:
        return str(uuid.UUID(event_id))
    except ValueError:
        return event_id


def _text(raw: bytes | None) -> str | None:
    return raw.decode("utf-8", errors="replace") if raw is not None else None
