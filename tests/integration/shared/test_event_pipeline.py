"""Outbox → relay → broker → consumer over real PostgreSQL (via PgBouncer) and a real broker."""

import json
from collections import defaultdict

import pytest
from sqlalchemy import func, select
from support.brokers import free_port
from support.pipeline import (
    applied_count,
    fast_producer,
    make_consumer,
    read_topic,
    recording_handler,
    relay_for,
    run_in_thread,
    wait_until,
    write_events,
)

from shared.events.topics import dlq_topic
from shared.kafka.admin import ensure_topics
from shared.kafka.robust_producer import Record

pytestmark = pytest.mark.integration


def unpublished(scratch) -> int:
    t = scratch.tables["outbox"]
    with scratch.engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(t).where(t.c.published_at.is_(None))
        ).scalar_one()


def test_committed_event_reaches_a_consumer_and_rolled_back_one_does_not(
    clean_scratch, broker, topic_prefix
):
    topic = f"{topic_prefix}things"
    ensure_topics(broker, [topic, dlq_topic(topic)], 3)
    write_events(clean_scratch, topic, [(1, 1)], commit=True)
    write_events(clean_scratch, topic, [(2, 1)], commit=False)
    assert relay_for(clean_scratch, fast_producer(broker)).publish_once() == 1
    consumer = make_consumer(
        clean_scratch,
        broker,
        [topic],
        f"{topic_prefix}g",
        {"thing.changed": recording_handler(clean_scratch)},
    )
    wait_until(
        lambda: consumer.poll_once() >= 0 and applied_count(clean_scratch) >= 1,
        30,
        "the committed event",
    )
    messages = read_topic(broker, topic, expected=1, timeout_s=3)
    assert [json.loads(m.value)["payload"]["thing_id"] for m in messages] == [1]
    assert messages[0].key == b"thing:1"


def test_outage_2000_events_wait_and_are_applied_exactly_once(clean_scratch, private_broker):
    bootstrap, topic = private_broker.bootstrap, "things"
    ensure_topics(bootstrap, [topic, dlq_topic(topic)], 3)
    pairs = [(thing, seq) for seq in range(10) for thing in range(200)]
    write_events(clean_scratch, topic, pairs)
    private_broker.pause()
    relay = relay_for(clean_scratch, fast_producer(bootstrap))
    thread, stop = run_in_thread(lambda s: relay.run(s, idle_s=0.1, max_backoff_s=1.0))
    try:
        thread.join(timeout=6)
        assert unpublished(clean_scratch) == 2000, "nothing may be marked published while down"
        private_broker.resume()
        wait_until(lambda: unpublished(clean_scratch) == 0, 90, "the backlog to drain")
    finally:
        stop.set()
        thread.join(timeout=20)
    handlers = {"thing.changed": recording_handler(clean_scratch)}
    first = make_consumer(clean_scratch, bootstrap, [topic], "g1", handlers)
    wait_until(
        lambda: first.poll_once() >= 0 and applied_count(clean_scratch) >= 2000,
        90,
        "all events applied",
    )
    again = make_consumer(clean_scratch, bootstrap, [topic], "g2", handlers)
    outcomes = [again.handle_message(m) for m in read_topic(bootstrap, topic, 2000)]
    assert outcomes.count("duplicate") >= 2000
    assert_exactly_once_in_order(clean_scratch, pairs)


def assert_exactly_once_in_order(scratch, pairs) -> None:
    with scratch.engine.connect() as conn:
        rows = conn.execute(
            select(scratch.applied.c.aggregate, scratch.applied.c.seq).order_by(
                scratch.applied.c.id
            )
        ).all()
    assert len(rows) == len(pairs)
    assert sorted((int(a), s) for a, s in rows) == sorted(pairs)
    per_aggregate = defaultdict(list)
    for aggregate, seq in rows:
        per_aggregate[aggregate].append(seq)
    assert all(seqs == sorted(seqs) for seqs in per_aggregate.values())


def test_poison_messages_go_to_the_dlq_and_the_consumer_keeps_going(
    clean_scratch, broker, topic_prefix
):
    topic = f"{topic_prefix}things"
    ensure_topics(broker, [topic, dlq_topic(topic)], 3)
    producer = fast_producer(broker)
    results = producer.send_batch([Record(topic, "thing:1", b"{not json")])
    assert results[0].ok
    write_events(clean_scratch, topic, [(7, 1), (8, 1)])
    relay_for(clean_scratch, producer).publish_once()

    def explode_on_seven(session, envelope):
        if envelope.payload["thing_id"] == 7:
            raise ValueError("cannot apply thing 7")
        recording_handler(clean_scratch)(session, envelope)

    consumer = make_consumer(
        clean_scratch,
        broker,
        [topic],
        f"{topic_prefix}g",
        {"thing.changed": explode_on_seven},
        dlq=producer,
    )
    wait_until(
        lambda: consumer.poll_once() >= 0 and applied_count(clean_scratch) >= 1,
        30,
        "the good event after the poison ones",
    )
    dead = [json.loads(m.value) for m in read_topic(broker, dlq_topic(topic), expected=2)]
    assert sorted(d["error"].split(":")[0] for d in dead) == ["EnvelopeError", "ValueError"]
    assert all(d["topic"] == topic and d["consumer_group"] for d in dead)


def test_producer_reports_failure_when_the_broker_is_paused(private_broker):
    producer = fast_producer(private_broker.bootstrap)
    producer.send_and_wait("probe", "k", b"warm-up")
    private_broker.pause()
    results = producer.send_batch([Record("probe", "k", b"lost?")], timeout_s=5)
    assert not results[0].ok
    assert producer.last_error


def test_producer_reports_failure_when_nothing_listens():
    producer = fast_producer(f"127.0.0.1:{free_port()}")
    results = producer.send_batch([Record("t", "k", b"v")], timeout_s=5)
    assert not results[0].ok
