"""A dead-lettered event can be replayed after the fix and is then applied once."""

import pytest
from support.pipeline import (
    applied_count,
    fast_producer,
    make_consumer,
    recording_handler,
    relay_for,
    wait_until,
    write_events,
)

from scripts.replay_dlq import main as replay_main
from shared.events.topics import dlq_topic
from shared.kafka.admin import ensure_topics

pytestmark = pytest.mark.integration


def test_replayed_dead_letter_is_applied_after_the_fix(clean_scratch, broker, topic_prefix):
    topic = f"{topic_prefix}things"
    ensure_topics(broker, [topic, dlq_topic(topic)], 3)
    write_events(clean_scratch, topic, [(5, 1)])
    relay_for(clean_scratch, fast_producer(broker)).publish_once()
    broken = {"thing.changed": lambda session, envelope: 1 / 0}
    first = make_consumer(clean_scratch, broker, [topic], f"{topic_prefix}g", broken)
    wait_until(lambda: first.poll_once() > 0, 30, "the poison event to be dead-lettered")
    assert applied_count(clean_scratch) == 0
    first.close()

    assert replay_main([topic, "--bootstrap", broker, "--replay"]) == 0
    fixed = make_consumer(
        clean_scratch,
        broker,
        [topic],
        f"{topic_prefix}g",
        {"thing.changed": recording_handler(clean_scratch)},
    )
    wait_until(
        lambda: fixed.poll_once() >= 0 and applied_count(clean_scratch) == 1,
        30,
        "the replayed event",
    )
