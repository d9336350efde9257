"""Duplicated and reordered events leave the same final state; the real broker delivers them."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import text
from support.pipeline import fast_producer, wait_until

from shared.events.communication import ResponseOutcomeItem, TherapistResponseRecorded
from shared.events.therapist import TherapistBlocked, TherapistUnblocked, TherapistUpdated
from shared.events.topics import TOPICS
from shared.kafka.consumer import EventConsumer


def scenario(feed, builders):
    """Envelopes of one story, in their true order (times a minute apart)."""
    t0, out = feed.clock.now(), []
    for i, tid in enumerate(range(1, 13)):
        out.append(feed.envelope(builders.therapist(tid, km_north=tid), t0 + timedelta(seconds=i)))
    far = builders.therapist(5, km_north=60).model_dump()
    out.append(feed.envelope(TherapistUpdated(**far), t0 + timedelta(minutes=1)))
    out.append(
        feed.envelope(TherapistBlocked(therapist_id=7, blocked_at=t0), t0 + timedelta(minutes=2))
    )
    out.append(
        feed.envelope(
            TherapistUnblocked(therapist_id=7, unblocked_at=t0), t0 + timedelta(minutes=3)
        )
    )
    out.append(feed.envelope(builders.patient(1), t0 + timedelta(minutes=4)))
    return out


def final_state(ctx):
    with ctx.engine.connect() as conn:
        therapists = conn.execute(
            text(
                "SELECT therapist_id, status, round(latitude::numeric, 4) FROM "
                "matching_service.therapists ORDER BY 1"
            )
        ).all()
        requests = conn.execute(
            text(
                "SELECT patient_id, therapist_id, status FROM matching_service.placement_requests "
                "WHERE status <> 'cancelled' ORDER BY 1, 2"
            )
        ).all()
    return therapists, requests


def reset(ctx):
    with ctx.engine.begin() as conn:
        conn.execute(
            text(
                "TRUNCATE matching_service.placement_requests, "
                "matching_service.matching_runs, matching_service.patients, "
                "matching_service.therapists, matching_service.processed_events "
                "RESTART IDENTITY CASCADE"
            )
        )


def test_duplicated_and_reordered_events_give_the_same_final_state(feed, builders, ctx):
    story = scenario(feed, builders)
    for envelope in story:
        feed.deliver(envelope)
    expected = final_state(ctx)
    assert 5 not in {tid for _, tid, _ in expected[1]}  # moved away
    reset(ctx)
    # Therapist events newest first (unblock before block, update before create), then the
    # patient. Requests are decisions taken when the patient's event arrives, so it stays last;
    # the read models must converge whatever the order.
    shuffled = story[:-1][::-1] + story[-1:]
    for envelope in shuffled + story:  # every event twice
        assert feed.deliver(envelope) in ("applied", "duplicate")
    assert [feed.deliver(e) for e in story] == ["duplicate"] * len(story)
    assert final_state(ctx) == expected


def test_a_second_acceptance_in_either_order_never_places_twice(feed, builders, ctx, db):
    for envelope in scenario(feed, builders):
        feed.deliver(envelope)
    reqs = {r["therapist_id"]: r for r in db.rows(ctx, "placement_requests", patient_id=1)}
    answers = [
        TherapistResponseRecorded(
            therapist_id=tid,
            response_id=tid,
            channel="phone",
            recorded_at=feed.clock.now(),
            outcomes=[
                ResponseOutcomeItem(
                    placement_request_id=reqs[tid]["id"], patient_id=1, outcome="accepted"
                )
            ],
        )
        for tid in (2, 3)
    ]
    for answer in reversed(answers):
        feed.send(answer)
    statuses = {r["therapist_id"]: r["status"] for r in db.rows(ctx, "placement_requests")}
    assert statuses[3] == "accepted" and statuses[2] == "cancelled"
    assert len(db.outbox(ctx, "matching.placement_confirmed")) == 1


def test_events_from_the_real_broker_create_requests(app, ctx, feed, builders, db, broker):
    settings = ctx.settings
    producer = fast_producer(broker)
    events = [builders.therapist(tid, km_north=tid) for tid in range(1, 4)]
    for event in events:
        producer.send_and_wait(
            settings.topic(TOPICS["therapist_service"]),
            event.key(),
            feed.envelope(event).to_bytes(),
        )
    patient = builders.patient(1)
    producer.send_and_wait(
        settings.topic(TOPICS["patient_service"]), patient.key(), feed.envelope(patient).to_bytes()
    )
    consumer = EventConsumer(
        bootstrap_servers=broker,
        group_id=f"{settings.kafka_topic_prefix}matching",
        topics=[settings.topic(TOPICS[s]) for s in ("therapist_service", "patient_service")],
        handlers=feed.consumer._handlers,
        session_factory=ctx.session_factory,
        processed_table=ctx.tables["processed_events"],
        dlq_producer=producer,
    )
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    try:
        # Topics are separate, so the patient may arrive first: the therapist events re-match.
        wait_until(lambda: len(db.rows(ctx, "placement_requests")) == 3, 30, "requests")
    finally:
        stop.set()
        thread.join(timeout=15)
        producer.close()
    assert {r["therapist_id"] for r in db.rows(ctx, "placement_requests")} == {1, 2, 3}
