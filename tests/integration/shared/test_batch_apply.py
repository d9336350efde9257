"""The consumer applies a polled batch in one transaction: dedupe per event, order kept, and a
poison event is dead-lettered alone (the batch is replayed one event per transaction)."""

import json

import pytest
from sqlalchemy import select
from support.pipeline import (
    applied_count,
    fast_producer,
    make_consumer,
    read_topic,
    recording_handler,
    relay_for,
    wait_until,
    write_events,
)

from shared.events.topics import dlq_topic
from shared.kafka.admin import ensure_topics
from shared.kafka.robust_producer import Record

pytestmark = pytest.mark.integration


def applied_seqs(scratch) -> list[int]:
    with scratch.engine.connect() as conn:
        rows = conn.execute(select(scratch.applied.c.seq).order_by(scratch.applied.c.id))
        return [seq for (seq,) in rows]


def test_a_poison_event_leaves_its_batch_applied_once_and_in_order(
    clean_scratch, broker, topic_prefix
):
    topic = f"{topic_prefix}batched"
    ensure_topics(broker, [topic, dlq_topic(topic)], 3)
    producer = fast_producer(broker)
    write_events(clean_scratch, topic, [(5, seq) for seq in range(30)])
    relay_for(clean_scratch, producer).publish_once()
    again = [Record(topic, m.key.decode(), m.value) for m in read_topic(broker, topic, 30)[:3]]
    assert all(r.ok for r in producer.send_batch(again))  # redelivered within the batch

    def explode_on_ten(session, envelope):
        if envelope.payload["seq"] == 10:
            raise ValueError("cannot apply seq 10")
        recording_handler(clean_scratch)(session, envelope)

    consumer = make_consumer(
        clean_scratch, broker, [topic], f"{topic_prefix}b", {"thing.changed": explode_on_ten}
    )
    outcomes: list[str] = []
    wait_until(
        lambda: outcomes.extend(consumer.handle_batch(batch(consumer))) or len(outcomes) >= 33,
        30,
        "33 messages handled",
    )
    consumer.close()
    assert sorted(outcomes) == sorted(["applied"] * 29 + ["dead_lettered"] + ["duplicate"] * 3)
    assert applied_seqs(clean_scratch) == [seq for seq in range(30) if seq != 10]
    assert applied_count(clean_scratch) == 29
    (dead,) = [json.loads(m.value) for m in read_topic(broker, dlq_topic(topic), expected=1)]
    assert dead["error"] == "ValueError: cannot apply seq 10"


def batch(consumer) -> list:
    polled = consumer._connect().poll(timeout_ms=500)
    return [message for records in polled.values() for message in records]
