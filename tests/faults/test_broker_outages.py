"""Three broker outages while 5,000 events flow: none lost, none twice, no phantoms, order kept."""

import threading
import time
from collections import defaultdict

import pytest
from sqlalchemy import select
from support.pipeline import (
    applied_count,
    fast_producer,
    make_consumer,
    recording_handler,
    relay_for,
    run_in_thread,
    wait_until,
    write_events,
)

from shared.events.topics import dlq_topic
from shared.kafka.admin import ensure_topics

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
AGGREGATES, PER_AGGREGATE, OUTAGES = 500, 10, 3


def written_pairs():
    return [(thing, seq) for seq in range(PER_AGGREGATE) for thing in range(AGGREGATES)]


def writer(scratch, topic, pairs, stop):
    """Write the events in 50 transactions while the broker comes and goes."""
    for start in range(0, len(pairs), 100):
        write_events(scratch, topic, pairs[start : start + 100])
        if stop.wait(0.05):
            return


def outages(broker, count, pause_s=3.0, gap_s=3.0):
    for _ in range(count):
        time.sleep(gap_s)
        broker.pause()
        time.sleep(pause_s)
        broker.resume()


def applied_history(scratch):
    table = scratch.applied
    with scratch.engine.connect() as conn:
        return conn.execute(select(table.c.aggregate, table.c.seq).order_by(table.c.id)).all()


def check_history(history, pairs):
    """Every anomaly class the issue names, from the recorded history."""
    seen = [(int(a), s) for a, s in history]
    counts = defaultdict(int)
    for item in seen:
        counts[item] += 1
    expected = set(pairs)
    lost = expected - set(seen)
    duplicated = [item for item, n in counts.items() if n > 1]
    phantom = set(seen) - expected
    last, reordered = {}, []
    for aggregate, seq in seen:
        if seq < last.get(aggregate, -1):
            reordered.append((aggregate, seq))
        last[aggregate] = seq
    return lost, duplicated, phantom, reordered


def test_three_outages_lose_nothing_and_apply_everything_once_in_order(
    clean_scratch, private_broker
):
    bootstrap, topic = private_broker.bootstrap, "things"
    ensure_topics(bootstrap, [topic, dlq_topic(topic)], 3)
    pairs = written_pairs()
    relay = relay_for(clean_scratch, fast_producer(bootstrap))
    consumer = make_consumer(
        clean_scratch,
        bootstrap,
        [topic],
        "outage-group",
        {"thing.changed": recording_handler(clean_scratch)},
    )
    relay_thread, stop_relay = run_in_thread(lambda s: relay.run(s, 0.1, 1.0))
    consumer_thread, stop_consumer = run_in_thread(lambda s: consumer.run(s, 2.0))
    stop_writer = threading.Event()
    writing = threading.Thread(target=writer, args=(clean_scratch, topic, pairs, stop_writer))
    try:
        writing.start()
        outages(private_broker, OUTAGES)
        writing.join(timeout=120)
        wait_until(
            lambda: applied_count(clean_scratch) >= len(pairs),
            180,
            "consumers to catch up by themselves",
        )
        time.sleep(2)  # any late duplicate would show up here
    finally:
        for stop in (stop_writer, stop_relay, stop_consumer):
            stop.set()
        for thread in (relay_thread, consumer_thread):
            thread.join(timeout=30)
    lost, duplicated, phantom, reordered = check_history(applied_history(clean_scratch), pairs)
    assert (lost, duplicated, phantom, reordered) == (set(), [], set(), [])


def test_the_history_check_finds_each_anomaly():
    pairs = [(1, 0), (1, 1), (2, 0)]
    history = [("1", 1), ("1", 0), ("1", 1), ("3", 0)]
    lost, duplicated, phantom, reordered = check_history(history, pairs)
    assert lost == {(2, 0)}
    assert duplicated == [(1, 1)]
    assert phantom == {(3, 0)}
    assert reordered == [(1, 0)]
