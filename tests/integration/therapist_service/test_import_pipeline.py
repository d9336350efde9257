"""Scraping events over the real broker: discovered → changed → disappeared, with redelivery."""

from datetime import UTC, datetime, timedelta

import pytest
from integration.therapist_service.helpers import (
    changes_of,
    outbox_events,
    outbox_topics,
    settings,
)
from sqlalchemy import select, update
from support.pipeline import fast_producer, make_consumer, wait_until

from shared.clock import FakeClock
from shared.events.communication import TherapistResponseRecorded
from shared.events.scraping import (
    RECORD_EXAMPLE,
    TherapistChanged,
    TherapistDisappeared,
    TherapistDiscovered,
)
from shared.events.topics import dlq_topic
from shared.kafka.admin import ensure_topics
from shared.kafka.robust_producer import Record
from therapist_service.app import build_service_context
from therapist_service.handlers import build_handlers
from therapist_service.models import therapists

pytestmark = pytest.mark.integration
T0 = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


@pytest.fixture
def pipeline(broker, topic_prefix, token_word):
    ctx = build_service_context(settings(kafka_topic_prefix=topic_prefix), FakeClock(T0))
    topic = f"{topic_prefix}scraping-events"
    ensure_topics(broker, [topic, dlq_topic(topic)], 3)
    producer = fast_producer(broker)
    consumer = make_consumer(
        ctx, broker, [topic], f"{topic_prefix}therapists", build_handlers(ctx), dlq=producer
    )
    pipe = Pipeline(ctx, consumer, producer, topic, token_word)
    yield pipe
    assert "dead_lettered" not in pipe.outcomes
    consumer._disconnect()
    producer.close()
    ctx.engine.dispose()


class Pipeline:
    """Publishes scraping envelopes and runs the therapist consumer until a condition holds."""

    def __init__(self, ctx, consumer, producer, topic, external_id):
        self.ctx, self.consumer, self.producer = ctx, consumer, producer
        self.topic, self.external_id = topic, external_id
        self.outcomes: list[str] = []
        handle = consumer.handle_batch  # every polled batch goes through it (one outcome each)

        def recording(messages):
            outcomes = handle(messages)
            self.outcomes.extend(outcomes)
            return outcomes

        consumer.handle_batch = recording

    def publish(self, event, at):
        envelope = event.envelope("scraping_service", at)
        self.send(envelope, event.key())
        return envelope

    def send(self, envelope, key):
        assert self.producer.send_batch([Record(self.topic, key, envelope.to_bytes())])[0].ok

    def consume(self, count):
        """Poll until `count` more messages were handled (applied or duplicate)."""
        target = len(self.outcomes) + count
        wait_until(
            lambda: self.consumer.poll_once(500) >= 0 and len(self.outcomes) >= target,
            30,
            f"{count} scraping events",
        )

    def row(self):
        with self.ctx.engine.connect() as conn:
            return (
                conn.execute(select(therapists).where(therapists.c.external_id == self.external_id))
                .mappings()
                .one()
            )


def record(external_id, **changes):
    return {
        **RECORD_EXAMPLE,
        "external_id": external_id,
        "email": f"{external_id.lower()}@praxis.example",
        **changes,
    }


def set_manual_fields(p, therapist_id):
    """Staff edits the import must never overwrite (direct SQL: the REST path is tested apart)."""
    with p.ctx.engine.begin() as conn:
        conn.execute(
            update(therapists)
            .where(therapists.c.id == therapist_id)
            .values(
                accepting_new_patients="yes",
                capacity_as_of=T0.date(),
                preferred_channel="phone",
                opted_out=True,
                age_min=21,
                statutory_licence=False,
                prefers_group=True,
            )
        )


def test_discovered_changed_disappeared_with_redelivery(pipeline):
    p, ext = pipeline, pipeline.external_id
    p.publish(TherapistDiscovered(external_id=ext, import_run_id=1, record=record(ext)), T0)
    p.consume(1)
    therapist_id = p.row()["id"]
    set_manual_fields(p, therapist_id)
    changed = record(
        ext,
        phone="+492419999999",
        phone_hours={"tue": ["10:00-11:00"]},
        offers=[
            *RECORD_EXAMPLE["offers"],
            {"procedure": "TP", "age_group": "adults", "setting": "individual"},
        ],
    )
    event = TherapistChanged(
        external_id=ext,
        import_run_id=2,
        record=changed,
        changes=[{"field": "phone", "old": RECORD_EXAMPLE["phone"], "new": "+492419999999"}],
    )
    envelope = p.publish(event, T0 + timedelta(days=7))
    p.consume(1)
    snapshot = (dict(p.row()), changes_of(p.ctx, therapist_id), outbox_events(p.ctx, therapist_id))
    p.send(envelope, event.key())
    p.consume(1)
    assert p.outcomes[-1] == "duplicate"
    assert (
        dict(p.row()),
        changes_of(p.ctx, therapist_id),
        outbox_events(p.ctx, therapist_id),
    ) == snapshot
    gone = p.publish(
        TherapistDisappeared(external_id=ext, import_run_id=4, missed_runs=2),
        T0 + timedelta(days=21),
    )
    p.consume(1)
    p.send(gone, f"external_therapist:{ext}")
    p.consume(1)
    assert p.outcomes == ["applied", "applied", "duplicate", "applied", "duplicate"]
    assert_final_state(p, therapist_id)


def assert_final_state(p, therapist_id):
    row = p.row()
    assert row["status"] == "inactive" and row["inactive_cause"] == "source"
    assert row["phone"] == "+492419999999"
    assert row["phone_hours"] == {"tue": ["10:00-11:00"]}
    assert {o["procedure"] for o in row["offers"]} == {"VT", "TP"}
    assert (
        row["accepting_new_patients"],
        row["preferred_channel"],
        row["opted_out"],
        row["age_min"],
        row["statutory_licence"],
        row["prefers_group"],
    ) == ("yes", "phone", True, 21, False, True)
    history = [(f, old, new, run) for f, old, new, _, run in changes_of(p.ctx, therapist_id)]
    assert history[0] == ("status", None, "active", 1)
    assert {h[0] for h in history if h[3] == 2} == {"phone", "phone_hours", "offers"}
    assert history[-1] == ("status", "active", "inactive", 4)
    assert len(history) == 5
    types = [e["event_type"] for e in outbox_events(p.ctx, therapist_id)]
    assert types == ["therapist.created", "therapist.updated", "therapist.deactivated"]
    assert outbox_topics(p.ctx, therapist_id) == {p.ctx.settings.topic("therapist-events")}


def test_resent_unchanged_record_and_stale_event_change_nothing(pipeline):
    p, ext = pipeline, pipeline.external_id
    p.publish(
        TherapistDiscovered(external_id=ext, import_run_id=1, record=record(ext)),
        T0 + timedelta(days=1),
    )
    p.consume(1)
    therapist_id = p.row()["id"]
    before = (changes_of(p.ctx, therapist_id), outbox_events(p.ctx, therapist_id))
    again = TherapistChanged(external_id=ext, import_run_id=2, record=record(ext))
    p.publish(again, T0 + timedelta(days=2))
    stale = TherapistChanged(external_id=ext, import_run_id=1, record=record(ext, city="Alt"))
    p.publish(stale, T0)
    p.consume(2)
    assert (changes_of(p.ctx, therapist_id), outbox_events(p.ctx, therapist_id)) == before
    assert p.row()["city"] == "Aachen" and p.row()["last_import_run_id"] == 2


def test_rediscovered_therapist_is_active_again_and_blocked_stays_blocked(pipeline):
    p, ext = pipeline, pipeline.external_id
    p.publish(TherapistDiscovered(external_id=ext, import_run_id=1, record=record(ext)), T0)
    p.consume(1)
    with p.ctx.engine.begin() as conn:
        conn.execute(
            update(therapists)
            .where(therapists.c.external_id == ext)
            .values(status="blocked", block_reason="complaint")
        )
    p.publish(TherapistDisappeared(external_id=ext, import_run_id=3), T0 + timedelta(days=1))
    p.publish(
        TherapistDiscovered(external_id=ext, import_run_id=5, record=record(ext)),
        T0 + timedelta(days=2),
    )
    p.consume(2)
    row = p.row()
    assert (row["status"], row["block_reason"]) == ("blocked", "complaint")


def test_no_capacity_answer_sets_capacity_no_once(pipeline):
    p, ext = pipeline, pipeline.external_id
    p.publish(TherapistDiscovered(external_id=ext, import_run_id=1, record=record(ext)), T0)
    p.consume(1)
    therapist_id = p.row()["id"]
    answer = TherapistResponseRecorded(
        therapist_id=therapist_id,
        response_id=1,
        channel="phone",
        recorded_at=T0,
        outcomes=[{"placement_request_id": 1, "patient_id": 2, "outcome": "rejected_no_capacity"}],
    )
    p.publish(answer, T0)
    p.publish(answer, T0)
    p.consume(2)
    row = p.row()
    assert (row["accepting_new_patients"], row["capacity_as_of"]) == ("no", T0.date())
    types = [e["event_type"] for e in outbox_events(p.ctx, therapist_id)]
    assert types == ["therapist.created", "therapist.capacity_changed"]
