"""End to end over the real broker: scraping runs 1..4 → therapist_service (history, inactive)."""

from __future__ import annotations

import pytest
from integration.scraping_service.helpers import (
    expected_counts,
    fixture_response,
    import_and_process,
    process,
)
from sqlalchemy import func, select, update
from support.pipeline import fast_producer, make_consumer, relay_for, wait_until
from support.testdb import TEST_DB

from shared.clock import FakeClock
from shared.events.topics import dlq_topic
from shared.kafka.admin import ensure_topics
from therapist_service.app import build_service_context
from therapist_service.config import Settings as TherapistSettings
from therapist_service.handlers import build_handlers
from therapist_service.models import therapist_changes, therapists

pytestmark = pytest.mark.integration


class Pipeline:
    """Scraping app → outbox relay → broker → therapist consumer, driven step by step."""

    def __init__(self, scraping_app, therapist_ctx, consumer, producer, topic, tag):
        self.app, self.client = scraping_app, scraping_app.test_client()
        self.sctx, self.tctx = scraping_app.extensions["psymatch"], therapist_ctx
        self.consumer, self.producer, self.topic, self.tag = consumer, producer, topic, tag

    def relay(self) -> None:
        t = self.sctx.tables["outbox"]
        with self.sctx.engine.begin() as conn:  # other tests' rows use other topics
            conn.execute(
                update(t)
                .where(t.c.topic != self.topic, t.c.published_at.is_(None))
                .values(published_at=t.c.created_at)
            )
        relay = relay_for(self.sctx, self.producer)
        while relay.publish_once():
            pass

    def consume_until(self, predicate, what: str) -> None:
        wait_until(lambda: self.consumer.poll_once(500) >= 0 and predicate(), 60, what)

    def scalar(self, query):
        with self.tctx.engine.connect() as conn:
            return conn.execute(query).scalar_one_or_none()


@pytest.fixture
def pipeline(make_app, admin, broker, topic_prefix, tag):
    app = make_app(kafka_topic_prefix=topic_prefix)
    process(make_app().test_client(), admin)  # leftover queued runs of other tests
    tsettings = TherapistSettings(
        db_name=TEST_DB, database_url=None, kafka_topic_prefix=topic_prefix, _env_file=None
    )
    tctx = build_service_context(tsettings, FakeClock())
    topic = f"{topic_prefix}scraping-events"
    ensure_topics(broker, [topic, dlq_topic(topic)], 3)
    producer = fast_producer(broker)
    consumer = make_consumer(
        tctx, broker, [topic], f"{topic_prefix}therapists", build_handlers(tctx), dlq=producer
    )
    yield Pipeline(app, tctx, consumer, producer, topic, tag)
    consumer._disconnect()
    producer.close()
    tctx.engine.dispose()


def test_runs_one_to_four_reach_the_therapist_service(pipeline, admin, tag):
    p, area = pipeline, f"{tag}-koeln"
    responses = [fixture_response("koeln.json", tag)]
    accepted, _ = expected_counts(("koeln.json",))
    ours = therapists.c.external_id.startswith(f"{tag}-")
    import_and_process(p.client, admin, responses, area)
    p.relay()
    p.consume_until(
        lambda: p.scalar(select(func.count()).where(ours)) == accepted,
        "run 1: every practice is a therapist",
    )

    edited = responses[0]["arztPraxisDatas"][0]
    edited["tel"] = "0221 5550100"
    second = import_and_process(p.client, admin, responses, area)
    assert second["counts"]["changed"] == 1
    p.relay()
    therapist_id = p.scalar(select(therapists.c.id).where(therapists.c.external_id == edited["id"]))
    phone_change = select(therapist_changes.c.new_value).where(
        therapist_changes.c.therapist_id == therapist_id,
        therapist_changes.c.field == "phone",
        therapist_changes.c.import_run_id == second["id"],
    )
    p.consume_until(
        lambda: p.scalar(phone_change) == "+492215550100",
        "run 2: the phone change is in the therapist's history",
    )

    gone = responses[0]["arztPraxisDatas"].pop(1)
    import_and_process(p.client, admin, responses, area)
    fourth = import_and_process(p.client, admin, responses, area)
    assert fourth["counts"]["disappeared"] == 1
    p.relay()
    status = select(therapists.c.status).where(therapists.c.external_id == gone["id"])
    p.consume_until(lambda: p.scalar(status) == "inactive", "run 4: the practice is inactive")
    assert (
        p.scalar(select(func.count()).where(ours, therapists.c.status == "active")) == accepted - 1
    )
