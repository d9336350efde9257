"""GET /api/pipeline against the real database and broker: the lag of the worker's own group
goes from N to 0 as its consumer commits, an unpublished outbox row unsettles the service, a
service without a consumer reports no group, staff are refused and a dead broker is a 503."""

from __future__ import annotations

import importlib
import os
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete
from support.brokers import free_port
from support.pipeline import ThingChanged, fast_producer, wait_until
from support.testdb import TEST_DB
from support.tokens import token_for

from shared.events.envelope import DomainEvent
from shared.events.topics import TOPICS, dlq_topic
from shared.kafka.admin import ensure_topics
from shared.kafka.robust_producer import Record
from shared.worker import build_loops

pytestmark = pytest.mark.integration
SECRET = "pipeline-integration-secret-pipeline-integration"
N = 7
CLOCK_SKEW = timedelta(seconds=5)  # processed_at is the database's clock


@pytest.fixture
def prefix() -> str:
    """The session's topic prefix (KAFKA_TOPIC_PREFIX), made unique per test: the broker keeps
    topics and groups across runs."""
    return f"{os.environ.get('KAFKA_TOPIC_PREFIX', 't-')}{uuid.uuid4().hex[:8]}-"


def service_app(service, prefix, **overrides):
    settings = importlib.import_module(f"{service}.config").Settings(
        db_name=TEST_DB,
        jwt_secret=SECRET,
        kafka_topic_prefix=prefix,
        _env_file=None,
        **overrides,
    )
    app = importlib.import_module(f"{service}.app").create_app(settings)
    ctx = app.extensions["psymatch"]
    with ctx.session_factory() as session, session.begin():  # a fresh start for this service
        session.execute(delete(ctx.tables["outbox"]))
        session.execute(delete(ctx.tables["processed_events"]))
    return app


def pipeline(app, role="admin"):
    headers = {"Authorization": f"Bearer {token_for(SECRET, 'driver', role)}"}
    return app.test_client().get("/api/pipeline", headers=headers)


def add_outbox_rows(app, count):
    ctx = app.extensions["psymatch"]
    with ctx.session_factory() as session, session.begin():
        for n in range(count):
            ctx.outbox.add(session, ThingChanged(thing_id=n, seq=1), datetime.now(UTC))


def publish(broker, topic, count):
    """`count` events, each acknowledged before the next (one record batch each: the local
    broker, tansu 0.6, answers a partition's end offset as its last batch's first offset + 1)."""
    events: list[DomainEvent] = [ThingChanged(thing_id=n, seq=1) for n in range(count)]
    producer = fast_producer(broker)
    try:
        for event in events:
            value = event.envelope("patient_service", datetime.now(UTC)).to_bytes()
            assert producer.send_batch([Record(topic, event.key(), value)])[0].ok
    finally:
        producer.close()


def run_worker_consumer(app, handlers):
    """The worker's own consumer loop (shared/worker.py build_loops) on a thread."""
    stop = threading.Event()
    loops, producer = build_loops(app.extensions["psymatch"], handlers, stop)
    thread = threading.Thread(target=dict(loops)["consumer"], daemon=True)
    thread.start()
    return stop, thread, producer


def test_lag_of_the_workers_group_goes_from_n_to_0_and_then_the_service_is_settled(
    migrated_db, broker, prefix
):
    app = service_app("geocoding_service", prefix)
    topic = f"{prefix}{TOPICS['patient_service']}"  # geocoding consumes the patient topic
    ensure_topics(broker, [topic, dlq_topic(topic)], 3)
    publish(broker, topic, N)

    before = pipeline(app)
    assert before.status_code == 200, before.json
    assert before.json == {
        "service": "geocoding_service",
        "outbox_backlog": 0,
        "consumer_group": f"{prefix}geocoding_service",
        "lag": {topic: N},  # nothing committed yet: every partition counts whole
        "last_event_applied_at": None,
        "settled": False,
    }

    started = datetime.now(UTC)
    stop, thread, producer = run_worker_consumer(app, {"thing.changed": lambda s, e: None})
    try:
        wait_until(lambda: pipeline(app).json["lag"] == {topic: 0}, 60, "the group to catch up")
    finally:
        stop.set()
        thread.join(timeout=20)
        producer.close()

    after = pipeline(app).json
    assert after["lag"] == {topic: 0}
    assert after["settled"] is True
    applied = datetime.fromisoformat(after["last_event_applied_at"])
    assert applied >= started - CLOCK_SKEW

    add_outbox_rows(app, 2)
    unsettled = pipeline(app).json
    assert unsettled["outbox_backlog"] == 2
    assert unsettled["lag"] == {topic: 0}
    assert unsettled["settled"] is False


def test_unpublished_outbox_rows_unsettle_a_service_without_a_consumer(migrated_db, broker, prefix):
    app = service_app("scraping_service", prefix)
    settled = pipeline(app).json
    assert settled == {
        "service": "scraping_service",
        "outbox_backlog": 0,
        "consumer_group": None,
        "lag": {},
        "last_event_applied_at": None,
        "settled": True,
    }
    add_outbox_rows(app, 3)
    assert pipeline(app).json["outbox_backlog"] == 3
    assert pipeline(app).json["settled"] is False


@pytest.mark.parametrize(("role", "status"), [("staff", 403), ("service", 200), ("admin", 200)])
def test_only_admins_and_services_may_ask(migrated_db, broker, prefix, role, status):
    app = service_app("matching_service", prefix)
    response = pipeline(app, role)
    assert response.status_code == status, response.json
    if status == 200:
        assert response.json["consumer_group"] == f"{prefix}matching_service"
        assert set(response.json["lag"]) == {
            f"{prefix}{TOPICS[p]}"
            for p in ("patient_service", "therapist_service", "communication_service")
        }
    else:
        assert response.json["error"]["code"] == "forbidden"


def test_an_unreachable_broker_is_a_503_that_still_reports_the_real_backlog(migrated_db, prefix):
    app = service_app("patient_service", prefix, kafka_bootstrap_servers=f"127.0.0.1:{free_port()}")
    add_outbox_rows(app, 4)
    started = datetime.now(UTC)
    response = pipeline(app)
    assert response.status_code == 503
    error = response.json["error"]
    assert error["code"] == "broker_unavailable"
    assert error["message"] == "Broker unreachable: the consumer lag is unknown."
    assert error["details"]["outbox_backlog"] == 4
    assert error["details"]["consumer_group"] == f"{prefix}patient_service"
    assert (datetime.now(UTC) - started).total_seconds() < 5, "short timeouts"
    assert "settled" not in response.json
