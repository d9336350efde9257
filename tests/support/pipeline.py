"""Helpers for the event pipeline tests: a test event, writers, a recording handler."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from kafka import KafkaConsumer, TopicPartition
from sqlalchemy import func, insert, select

from shared.events.envelope import DomainEvent
from shared.kafka.consumer import EventConsumer
from shared.kafka.relay import OutboxRelay
from shared.kafka.robust_producer import RobustKafkaProducer
from shared.outbox import OutboxWriter
from shared.unit_of_work import UnitOfWork


class ThingChanged(DomainEvent):
    event_type = "thing.changed"
    aggregate = "thing"
    aggregate_id_field = "thing_id"
    thing_id: int
    seq: int


def fast_producer(bootstrap: str) -> RobustKafkaProducer:
    return RobustKafkaProducer(
        bootstrap, "test", delivery_timeout_ms=3000, request_timeout_ms=1000, max_block_ms=2000
    )


def write_events(scratch, topic: str, pairs, commit: bool = True, per_tx: int = 100) -> None:
    """Write (thing_id, seq) events to the outbox, `per_tx` per transaction."""
    writer = OutboxWriter(scratch.tables["outbox"], "test_service", topic)
    pairs = list(pairs)
    for start in range(0, len(pairs), per_tx):
        with UnitOfWork(scratch.session_factory) as uow:
            for thing_id, seq in pairs[start : start + per_tx]:
                writer.add(uow.session, ThingChanged(thing_id=thing_id, seq=seq), datetime.now(UTC))
            if commit:
                uow.commit()


def recording_handler(scratch):
    statement = insert(scratch.applied)

    def handle(session, envelope):
        row = {"aggregate": str(envelope.payload["thing_id"]), "seq": envelope.payload["seq"]}
        session.execute(statement, {"event_id": envelope.event_id, **row})

    return handle


def make_consumer(scratch, bootstrap, topics, group, handlers, dlq=None) -> EventConsumer:
    return EventConsumer(
        bootstrap_servers=bootstrap,
        group_id=group,
        topics=topics,
        handlers=handlers,
        session_factory=scratch.session_factory,
        processed_table=scratch.tables["processed_events"],
        dlq_producer=dlq or fast_producer(bootstrap),
        max_attempts=2,
        retry_backoff_s=0.05,
    )


def relay_for(scratch, producer) -> OutboxRelay:
    return OutboxRelay(
        scratch.session_factory, scratch.tables["outbox"], producer, "test", batch_size=500
    )


def applied_count(scratch) -> int:
    with scratch.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(scratch.applied)).scalar_one()


def run_in_thread(target) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=target, args=(stop,), daemon=True)
    thread.start()
    return thread, stop


def wait_until(predicate, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, f"timed out: {what}"
        time.sleep(0.2)


def read_topic(bootstrap: str, topic: str, expected: int, timeout_s: float = 20) -> list:
    """Every message on a topic (all partitions, from the start), without a consumer group."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
    consumer.assign(partitions)
    consumer.seek_to_beginning()
    found, deadline = [], time.monotonic() + timeout_s
    while len(found) < expected and time.monotonic() < deadline:
        for messages in consumer.poll(timeout_ms=500).values():
            found.extend(messages)
    consumer.close()
    return found
