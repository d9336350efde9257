"""Replaying dead-lettered messages to their original topic (operators, after a fix)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from kafka import KafkaConsumer, TopicPartition

from shared.events.topics import dlq_topic
from shared.kafka.robust_producer import RobustKafkaProducer


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    topic: str
    key: str | None
    value: str | None
    error: str


def read_dead_letters(bootstrap: str, topic: str, idle_ms: int = 2000) -> Iterator[DeadLetter]:
    """Every message on `<topic>.dlq`, from the start, until the topic is idle."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), enable_auto_commit=False)
    try:
        partitions = consumer.partitions_for_topic(dlq_topic(topic)) or set()
        consumer.assign([TopicPartition(dlq_topic(topic), p) for p in sorted(partitions)])
        consumer.seek_to_beginning()
        while batch := consumer.poll(timeout_ms=idle_ms):
            for messages in batch.values():
                for message in messages:
                    body = json.loads(message.value)
                    yield DeadLetter(
                        message.partition,
                        message.offset,
                        body["topic"],
                        body.get("key"),
                        body.get("value"),
                        body.get("error", ""),
                    )
    finally:
        consumer.close()


def replay(letter: DeadLetter, producer: RobustKafkaProducer) -> None:
    """Publish the original message again; consumers skip it if it was applied meanwhile."""
    if letter.value is None:
        raise ValueError(f"dead letter {letter.partition}/{letter.offset} has no value")
    key = letter.key or f"replay:{letter.partition}:{letter.offset}"
    producer.send_and_wait(letter.topic, key, letter.value.encode())
