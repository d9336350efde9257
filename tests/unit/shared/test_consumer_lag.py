"""Consumer lag per group and topic is the sum over the topic's partitions."""

from datetime import UTC, datetime
from types import SimpleNamespace

from kafka.structs import TopicPartition
from prometheus_client import REGISTRY

from shared.config import BaseServiceSettings
from shared.events.envelope import Envelope
from shared.kafka.consumer import EventConsumer

WHEN = datetime(2026, 3, 2, tzinfo=UTC)


class FakeKafkaConsumer:
    """Hands out one prepared batch; knows each partition's high-water mark."""

    def __init__(self, batch, highwater) -> None:
        self.batch, self._highwater, self.commits = batch, highwater, 0

    def subscribe(self, topics) -> None:
        self.topics = topics

    def poll(self, timeout_ms: int):
        batch, self.batch = self.batch, {}
        return batch

    def highwater(self, tp):
        return self._highwater[tp]

    def commit(self) -> None:
        self.commits += 1


def message(tp: TopicPartition, offset: int) -> SimpleNamespace:
    envelope = Envelope(
        event_id=f"e-{tp.partition}-{offset}",
        event_type="unknown.happened",
        occurred_at=WHEN,
        producer="test",
        payload={},
    )
    return SimpleNamespace(
        topic=tp.topic, partition=tp.partition, offset=offset, key=b"k", value=envelope.to_bytes()
    )


def test_lag_of_a_topic_adds_up_its_partitions():
    p0, p1 = TopicPartition("lag-events", 0), TopicPartition("lag-events", 1)
    fake = FakeKafkaConsumer(
        {p0: [message(p0, n) for n in range(5)], p1: [message(p1, n) for n in range(2)]},
        {p0: 10, p1: 3},
    )
    consumer = EventConsumer(
        bootstrap_servers="unused:9092",
        group_id="lag-group",
        topics=["lag-events"],
        handlers={},
        session_factory=None,
        processed_table=None,
        dlq_producer=None,
        factory=lambda **config: fake,
    )
    assert consumer.poll_once() == 7 and fake.commits == 1
    lag = REGISTRY.get_sample_value(
        "kafka_consumer_lag", {"group": "lag-group", "topic": "lag-events"}
    )
    assert lag == (10 - 4 - 1) + (3 - 1 - 1)


def test_a_fetch_waits_at_the_broker_at_most_the_configured_time():
    """kafka-python waits up to 500 ms by default; the local broker may hold a fetch that long
    even when an event arrives, so every hop of the pipeline waited up to half a second."""
    seen = {}

    def factory(**config):
        seen.update(config)
        return FakeKafkaConsumer({}, {})

    for wanted in (None, 40):
        options = {} if wanted is None else {"fetch_max_wait_ms": wanted}
        consumer = EventConsumer(
            bootstrap_servers="unused:9092",
            group_id="wait-group",
            topics=["wait-events"],
            handlers={},
            session_factory=None,
            processed_table=None,
            dlq_producer=None,
            factory=factory,
            **options,
        )
        consumer.poll_once()
        assert seen["fetch_max_wait_ms"] == (
            wanted or BaseServiceSettings().kafka_fetch_max_wait_ms
        )
