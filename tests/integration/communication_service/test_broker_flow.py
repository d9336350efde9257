"""The real broker: matching's events on (prefixed) topics → consumer → one e-mail per therapist;
the relay publishes communication.email_sent."""

from __future__ import annotations

import json

import pytest
from integration.communication_service.helpers import (
    PATIENT_NAMES,
    feed,
    mails,
    parts,
    request_item,
    requests_created,
    therapist_created,
)
from support.pipeline import fast_producer, make_consumer, read_topic, relay_for, wait_until

from communication_service.services import sending
from shared.events.topics import TOPICS
from shared.kafka.admin import ensure_topics

pytestmark = pytest.mark.integration


def publish(producer, ctx, service: str, event) -> None:
    envelope = event.envelope(service, ctx.clock.now())
    producer.send_and_wait(ctx.settings.topic(TOPICS[service]), event.key(), envelope.to_bytes())


def test_matching_events_on_the_broker_become_one_email_per_therapist(
    ctx, handlers, broker, catcher, therapist
):
    topics = [
        ctx.settings.topic(TOPICS[s])
        for s in ("therapist_service", "matching_service", "communication_service")
    ]
    ensure_topics(broker, topics, 1)
    producer = fast_producer(broker)
    first, second = therapist(), therapist()
    for tid in (first, second):
        publish(producer, ctx, "therapist_service", therapist_created(tid))
    items = [request_item(first) for _ in range(3)] + [request_item(second)]
    publish(producer, ctx, "matching_service", requests_created(*items))
    consumer = make_consumer(ctx, broker, topics[:2], f"{topics[0]}-group", handlers)
    applied = []
    wait_until(
        lambda: applied.append(consumer.poll_once(500)) or sum(applied) >= 3, 30, "events consumed"
    )
    sending.send_emails(ctx, ctx.clock.now())
    messages = mails(catcher.folder)
    assert len(messages) == 2
    for message in messages:
        text, html = parts(message)
        assert "Therapieplatz" in text and "Therapieplatz" in html
        assert not any(secret in text + html for secret in PATIENT_NAMES)
    producer.close()


def test_relay_publishes_email_sent(ctx, handlers, broker, catcher, therapist):
    topic = ctx.settings.topic(TOPICS["communication_service"])
    ensure_topics(broker, [topic], 1)
    tid = therapist()
    feed(ctx, handlers, therapist_created(tid), producer="therapist_service")
    feed(ctx, handlers, requests_created(request_item(tid)))
    sending.send_emails(ctx, ctx.clock.now())
    producer = fast_producer(broker)
    relay = relay_for(ctx, producer)
    wait_until(lambda: relay.publish_once() == 0, 30, "outbox published")
    found = read_topic(broker, topic, expected=2)
    types = sorted(json.loads(m.value)["event_type"] for m in found)
    assert types == ["communication.email_queued", "communication.email_sent"]
    producer.close()
