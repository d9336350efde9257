"""The matching worker killed in the middle of a full matching round, then restarted: the crashed
job run is marked `interrupted`, the round runs again and ends exactly like an uninterrupted
round on the same data, no (patient, therapist) pair exists twice, and every created request is
announced in exactly one `matching.placement_requests_created` event."""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import UTC, datetime

import pytest
from integration.conftest import ADMIN_URL
from sqlalchemy import create_engine, func, select, text
from support.brokers import free_port
from support.testdb import TEST_DB

from benchmarks.matching import load, patient_rows, therapist_rows
from matching_service import models as m
from matching_service.app import build_service_context
from matching_service.config import Settings
from matching_service.domain.states import OPEN
from matching_service.handlers import SOURCE_SERVICES
from matching_service.services.fill import fill_patients, fill_settings_of
from scripts.stack import service_env
from shared.events.topics import TOPICS, dlq_topic
from shared.kafka.admin import ensure_topics

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

THERAPISTS = 12_000  # of the benchmark's generated ones: enough for a round of several seconds
PATIENTS = 4_000
ROUND = "matching-round"


@pytest.fixture
def ctx(migrated_db, topic_prefix):
    settings = Settings(_env_file=None, db_name=TEST_DB, kafka_topic_prefix=topic_prefix)
    context = build_service_context(settings)
    with context.engine.begin() as conn:
        conn.execute(text("TRUNCATE matching_service.job_runs"))
    yield context
    context.engine.dispose()


@pytest.fixture
def admin():
    engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def wait_for(check, what: str, timeout_s: float = 120.0, interval_s: float = 0.02):
    deadline = time.monotonic() + timeout_s
    while not (result := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(interval_s)
    return result


def uninterrupted_round(ctx) -> Counter:
    """Open requests per patient after one round on this data (rolled back: nothing stays)."""
    r = m.placement_requests
    with ctx.unit_of_work() as uow:
        fill_patients(uow, fill_settings_of(ctx), datetime.now(UTC), "expected")
        query = select(r.c.patient_id, func.count()).where(r.c.status.in_(list(OPEN)))
        return Counter(dict(uow.session.execute(query.group_by(r.c.patient_id)).all()))


def worker_env(ctx, broker: str) -> dict[str, str]:
    return {
        **service_env("matching_service", TEST_DB),
        "KAFKA_BOOTSTRAP_SERVERS": broker,
        "KAFKA_TOPIC_PREFIX": ctx.settings.kafka_topic_prefix,
        "MATCHING_ROUND_INTERVAL_S": "3600",  # once at start, as after every restart
        "EXPIRE_REQUESTS_INTERVAL_S": "3600",
        "GEOCODING_SERVICE_URL": f"http://127.0.0.1:{free_port()}",
    }


def round_runs(ctx) -> list[dict]:
    t = ctx.tables["job_runs"]
    with ctx.engine.connect() as conn:
        query = select(t).where(t.c.job_name == ROUND).order_by(t.c.id)
        return [dict(r) for r in conn.execute(query).mappings()]


def round_is_saving(admin) -> bool:
    """The round's transaction has written requests that are not committed yet."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND usename = "
        "'matching_service' AND backend_xid IS NOT NULL AND query ILIKE '%placement_requests%'"
    )
    with admin.connect() as conn:
        return bool(conn.execute(query, {"db": TEST_DB}).scalar())


def scalar(ctx, query):
    with ctx.engine.connect() as conn:
        return conn.execute(query).scalar_one()


def open_requests_per_patient(ctx) -> Counter:
    r = m.placement_requests
    query = select(r.c.patient_id, func.count()).where(r.c.status.in_(list(OPEN)))
    with ctx.engine.connect() as conn:
        return Counter(dict(conn.execute(query.group_by(r.c.patient_id)).all()))


def duplicate_pairs(ctx) -> list:
    r = m.placement_requests
    query = (
        select(r.c.patient_id, r.c.therapist_id)
        .group_by(r.c.patient_id, r.c.therapist_id)
        .having(func.count() > 1)
    )
    with ctx.engine.connect() as conn:
        return list(conn.execute(query).all())


def created_events(ctx) -> list[dict]:
    t = ctx.tables["outbox"]
    query = select(t.c.envelope).where(
        t.c.topic == ctx.settings.topic(TOPICS["matching_service"]),
        t.c.event_type == "matching.placement_requests_created",
    )
    with ctx.engine.connect() as conn:
        return [row["payload"] for row in conn.execute(query).scalars()]


def test_worker_killed_mid_round_completes_on_restart_without_duplicates(ctx, admin, broker, spawn):
    topics = [ctx.settings.topic(TOPICS[s]) for s in [*SOURCE_SERVICES, "matching_service"]]
    ensure_topics(broker, topics + [dlq_topic(t) for t in topics], 3)
    rng = random.Random(7)
    load(ctx, therapist_rows(rng)[:THERAPISTS], patient_rows(rng, PATIENTS))
    expected = uninterrupted_round(ctx)
    assert sum(expected.values()) > PATIENTS, "the data must give most patients requests"
    env, args = worker_env(ctx, broker), ["-m", "matching_service.worker"]

    first = spawn(args, env, "matching-worker-1")
    wait_for(lambda: round_is_saving(admin), "the round saving its first requests")
    first.kill()
    [crashed] = round_runs(ctx)
    assert crashed["status"] == "running", "the kill landed inside the round"
    assert scalar(ctx, select(func.count()).select_from(m.placement_requests)) == 0

    second = spawn(args, env, "matching-worker-2")
    wait_for(
        lambda: any(r["status"] == "succeeded" for r in round_runs(ctx)), "the round after restart"
    )
    second.stop()

    crashed_after, finished = round_runs(ctx)
    assert crashed_after["id"] == crashed["id"] and crashed_after["status"] == "interrupted"
    assert finished["result"]["requests_created"] == sum(expected.values())
    assert open_requests_per_patient(ctx) == expected
    assert duplicate_pairs(ctx) == []
    events = created_events(ctx)
    announced = Counter(i["placement_request_id"] for e in events for i in e["requests"])
    with ctx.engine.connect() as conn:
        request_ids = set(conn.execute(select(m.placement_requests.c.id)).scalars())
    assert set(announced) == request_ids and set(announced.values()) == {1}
    assert {e["run_id"] for e in events} == {finished["result"]["run_id"]}
    assert len({(e["run_id"], e["part"]) for e in events}) == len(events)
