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

# The producers whose topics each service's worker consumes, under its consumer group. The
# worker subscribes to these, and the web app's `GET /api/pipeline` reports their lag.
SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    "patient_service": ("matching_service", "communication_service", "geocoding_service"),
    "therapist_service": ("scraping_service", "communication_service"),
    "matching_service": ("patient_service", "therapist_service", "communication_service"),
    "communication_service": ("matching_service", "therapist_service", "patient_service"),
    "geocoding_service": ("patient_service",),
    "scraping_service": (),
}


def dlq_topic(topic: str) -> str:
    """The dead-letter topic of a topic."""
    return f"{topic}.dlq"


def consumed_topics(service: str) -> list[str]:
    """The topics (without prefix) a service's worker consumes; none for an unknown name."""
    return [TOPICS[producer] for producer in SUBSCRIPTIONS.get(service, ())]


def all_topics() -> list[str]:
    """Every topic the platform uses, dead-letter topics included."""
    return [t for topic in TOPICS.values() for t in (topic, dlq_topic(topic))]
