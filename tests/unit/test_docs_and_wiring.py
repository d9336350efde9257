"""Generated docs are current, every consumed event reaches its consumer's subscription, and a
service subscribes exactly when it handles events."""

import importlib

import pytest

from scripts.gen_docs import DOCS, GENERATED, PRODUCERS, handled_events
from shared.config import SERVICE_NAMES
from shared.events import EVENT_SCHEMAS
from shared.events.topics import SUBSCRIPTIONS


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_docs_are_current(name):
    assert (DOCS / name).read_text() == GENERATED[name](), (
        f"docs/{name} is stale: run `python scripts/gen_docs.py`"
    )


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_every_handled_event_has_a_schema_and_a_subscribed_topic(service):
    sources = importlib.import_module(f"{service}.handlers").SOURCE_SERVICES
    known = {event_type for event_type, _ in EVENT_SCHEMAS}
    for event_type in handled_events(service):
        assert event_type in known, f"{service} handles unknown {event_type}"
        producer = PRODUCERS[event_type.split(".")[0]]
        assert producer in sources, f"{service} handles {event_type} but does not read {producer}"


@pytest.mark.parametrize("service", SERVICE_NAMES)
def test_a_service_has_handlers_exactly_when_it_subscribes_to_topics(service):
    """The worker starts a consumer when it has handlers; GET /api/pipeline reports a group
    when the service subscribes: both must agree, or the route would wait for a lag no worker
    ever reads down."""
    assert bool(handled_events(service)) == bool(SUBSCRIPTIONS[service]), service
