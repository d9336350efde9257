"""Topic names: one per producing service, plus a dead-letter topic each."""

from __future__ import annotations

TOPICS: dict[str, str] = {
    "patient_service": "patient-events",
    "therapist_service": "therapist-events",
    "matching_service": "matching-events",
    "communication_service": "communication-events",
    "geocoding_service": "geocoding-events",
    "scraping_service": "scraping-events",
}
TOPIC_PARTITIONS = 3


def dlq_topic(topic: str) -> str:
    """The dead-letter topic of a topic."""
    return f"{topic}.dlq"


def all_topics() -> list[str]:
    """Every topic the platform uses, dead-letter topics included."""
    return [t for topic in TOPICS.values() for t in (topic, dlq_topic(topic))]
