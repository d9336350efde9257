"""Over the real broker: search start reaches the topic without PII; a repeated placement
confirmation, driven through EventConsumer with the patient handlers, changes nothing."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, update
from support.pipeline import fast_producer, read_topic, relay_for, wait_until

from patient_service.handlers import build_handlers
from shared.events.matching import PlacementConfirmed
from shared.events.topics import dlq_topic
from shared.kafka.admin import ensure_topics
from shared.kafka.consumer import EventConsumer

pytestmark = pytest.mark.integration

PII = [
    "Anna",
    "Muster",
    "anna.muster@example.org",
    "+492411234567",
    "Lindenallee",
    "A123456789",
    "AOK",
    "F32.1",
    "1990-05-01",
    "depressed_mood",
]


def quarantine_foreign_rows(ctx, topic: str) -> None:
    """Rows other tests left (other topics) are not this test's: keep the relay to ours."""
    t = ctx.tables["outbox"]
    with ctx.session_factory() as session:
        session.execute(
            update(t)
            .where(t.c.published_at.is_(None), t.c.topic != topic)
            .values(published_at=func.now())
        )
        session.commit()


def test_search_started_is_published_without_personal_data(
    make_app, broker, topic_prefix, auth, body
):
    app = make_app(topic_prefix)
    ctx = app.extensions["psymatch"]
    client = app.test_client()
    topic = f"{topic_prefix}patient-events"
    ensure_topics(broker, [topic], 3)
    patient = client.post("/api/patients", json=body(), headers=auth).json
    assert (
        client.put(
            f"/api/patients/{patient['id']}/status", json={"status": "searching"}, headers=auth
        ).status_code
        == 200
    )
    quarantine_foreign_rows(ctx, topic)
    relay = relay_for(ctx, fast_producer(broker))
    while relay.publish_once():
        pass
    messages = read_topic(broker, topic, expected=2, timeout_s=20)
    envelopes = [json.loads(m.value) for m in messages]
    assert [e["event_type"] for e in envelopes] == ["patient.registered", "patient.search_started"]
    assert {m.key for m in messages} == {f"patient:{patient['id']}".encode()}
    started = envelopes[1]
    assert started["producer"] == "patient_service"
    assert started["payload"]["status"] == "searching"
    assert started["payload"]["latitude"] == 50.777
    assert [p for p in PII if p in messages[1].value.decode()] == []


def placement_message(patient_id: int, event_id: str) -> bytes:
    event = PlacementConfirmed(
        patient_id=patient_id,
        therapist_id=7,
        placement_request_id=501,
        confirmed_at=datetime(2026, 1, 5, 11, 0, tzinfo=UTC),
    )
    envelope = event.envelope("matching_service", datetime(2026, 1, 5, 11, 0, tzinfo=UTC))
    return envelope.model_copy(update={"event_id": event_id}).to_bytes()


def consumer_for(ctx, broker, topic, group) -> EventConsumer:
    return EventConsumer(
        bootstrap_servers=broker,
        group_id=group,
        topics=[topic],
        handlers=build_handlers(ctx),
        session_factory=ctx.session_factory,
        processed_table=ctx.tables["processed_events"],
        dlq_producer=fast_producer(broker),
        max_attempts=2,
        retry_backoff_s=0.05,
    )


def test_repeated_placement_confirmation_changes_nothing(
    make_app, broker, topic_prefix, auth, body, outbox
):
    app = make_app(topic_prefix)
    ctx = app.extensions["psymatch"]
    client = app.test_client()
    patient = client.post("/api/patients", json=body(), headers=auth).json
    client.put(f"/api/patients/{patient['id']}/status", json={"status": "searching"}, headers=auth)
    topic = f"{topic_prefix}matching-events"
    ensure_topics(broker, [topic, dlq_topic(topic)], 3)
    producer = fast_producer(broker)
    first_id = str(uuid.uuid4())
    for event_id in (first_id, first_id, str(uuid.uuid4())):  # redelivery + a re-send
        producer.send_and_wait(
            topic, f"patient:{patient['id']}", placement_message(patient["id"], event_id)
        )
    consumer = consumer_for(ctx, broker, topic, f"{topic_prefix}patients")
    processed = ctx.tables["processed_events"]

    def consumed_all() -> bool:
        consumer.poll_once(timeout_ms=500)
        with ctx.session_factory() as session:
            return (
                session.execute(
                    select(func.count()).select_from(processed).where(processed.c.topic == topic)
                ).scalar_one()
                == 2
            )

    wait_until(consumed_all, 30, "both distinct placement events")
    consumer._disconnect()
    placed = client.get(f"/api/patients/{patient['id']}", headers=auth).json
    assert placed["status"] == "placed" and placed["placed_therapist_id"] == 7
    assert placed["placed_at"].startswith("2026-01-05T11:00:00")
    assert placed["version"] == 3  # registered 1, searching 2, placed 3: placed only once
    kinds = [e["event_type"] for e in outbox(app, patient["id"])]
    assert kinds.count("patient.placed") == 1
    timeline = client.get(f"/api/patients/{patient['id']}/timeline", headers=auth).json
    events = [i for i in timeline["items"] if i["kind"] == "event"]
    assert [(e["action"], e["details"]["outcome"]) for e in events] == [
        ("matching.placement_confirmed", "applied")
    ]
