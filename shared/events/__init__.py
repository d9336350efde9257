"""Event envelope, typed event schemas (one module per producing service) and topics."""

from shared.events import (  # noqa: F401  (importing registers every schema)
    communication,
    geocoding,
    matching,
    patient,
    scraping,
    therapist,
)
from shared.events.envelope import (
    EVENT_EXAMPLES,
    EVENT_SCHEMAS,
    DomainEvent,
    Envelope,
    EnvelopeError,
    format_timestamp,
    parse_payload,
    register,
)
from shared.events.topics import TOPICS, all_topics, dlq_topic

__all__ = [
    "EVENT_EXAMPLES",
    "EVENT_SCHEMAS",
    "TOPICS",
    "DomainEvent",
    "Envelope",
    "EnvelopeError",
    "all_topics",
    "dlq_topic",
    "format_timestamp",
    "parse_payload",
    "register",
]
