"""A run's events leave the outbox through the relay and arrive on the real broker."""

from __future__ import annotations

import json

import pytest
from integration.scraping_service.helpers import (
    expected_counts,
    fixture_response,
    import_and_process,
    process,
)
from sqlalchemy import update
from support.pipeline import fast_producer, read_topic, relay_for

from shared.events.topics import dlq_topic
from shared.kafka.admin import ensure_topics

pytestmark = pytest.mark.integration


def _relay_only_this_topic(ctx, topic: str) -> None:
    """Rows of other tests (other topic prefixes) are not this test's business."""
    t = ctx.tables["outbox"]
    with ctx.engine.begin() as conn:
        conn.execute(
            update(t)
            .where(t.c.topic != topic, t.c.published_at.is_(None))
            .values(published_at=t.c.created_at)
        )


def test_run_events_are_published_keyed_by_practice(make_app, admin, broker, topic_prefix, tag):
    app = make_app(kafka_topic_prefix=topic_prefix)
    ctx = app.extensions["psymatch"]
    topic = f"{topic_prefix}scraping-events"
    ensure_topics(broker, [topic, dlq_topic(topic)], 3)
    client = app.test_client()
    process(make_app().test_client(), admin)  # runs other tests left queued use their own app
    run = import_and_process(client, admin, [fixture_response("koeln.json", tag)], f"{tag}-k")
    _relay_only_this_topic(ctx, topic)
    relay = relay_for(ctx, fast_producer(broker))
    while relay.publish_once():
        pass
    accepted, _ = expected_counts(("koeln.json",))
    messages = read_topic(broker, topic, accepted + 1)
    envelopes = [json.loads(m.value) for m in messages]
    assert {e["payload"]["import_run_id"] for e in envelopes} == {run["id"]}
    assert (
        sorted(e["event_type"] for e in envelopes)
        == ["scraping.run_completed"] + ["scraping.therapist_discovered"] * accepted
    )
    keys = {m.key.decode() for m in messages}
    assert f"import_run:{run['id']}" in keys
    assert all(e["producer"] == "scraping_service" for e in envelopes)
    discovered = [e for e in envelopes if e["event_type"] == "scraping.therapist_discovered"]
    assert all(e["payload"]["record"]["statutory_licence"] is True for e in discovered)
