"""Integration fixtures: the test database through PgBouncer, the shared broker, private brokers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, create_engine, text
from support.brokers import PrivateBroker
from support.testdb import TEST_DB

from scripts.stack import migrate
from shared.db import infrastructure_tables, make_engine, make_session_factory
from shared.kafka.health import api_versions_round_trip

ADMIN_URL = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{TEST_DB}"
SCRATCH_SCHEMA = "shared_test"
SCRATCH_ROLE = "patient_service"
BROKER = "127.0.0.1:9092"


@pytest.fixture(scope="session")
def migrated_db() -> str:
    """All six schemas of the test database at their migration head."""
    migrate(TEST_DB)
    return TEST_DB


@dataclass
class Scratch:
    """A throwaway schema with the infrastructure tables, reached through PgBouncer."""

    engine: object
    session_factory: object
    tables: dict
    applied: Table


@pytest.fixture(scope="session")
def scratch(migrated_db) -> Scratch:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCRATCH_SCHEMA} AUTHORIZATION {SCRATCH_ROLE}"))
    admin.dispose()
    metadata = MetaData(schema=SCRATCH_SCHEMA)
    tables = infrastructure_tables(metadata)
    applied = Table(
        "applied",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False),
        Column("aggregate", String(64), nullable=False),
        Column("seq", Integer, nullable=False),
    )
    url = f"postgresql+psycopg2://{SCRATCH_ROLE}:{SCRATCH_ROLE}-dev@127.0.0.1:6432/{TEST_DB}"
    engine = make_engine(url, pool_size=5)
    metadata.create_all(engine)
    yield Scratch(engine, make_session_factory(engine), tables, applied)
    engine.dispose()


@pytest.fixture
def clean_scratch(scratch) -> Scratch:
    with scratch.engine.begin() as conn:
        conn.execute(
            text(
                f"TRUNCATE {SCRATCH_SCHEMA}.outbox, {SCRATCH_SCHEMA}.processed_events, "
                f"{SCRATCH_SCHEMA}.applied, {SCRATCH_SCHEMA}.idempotency_keys, "
                f"{SCRATCH_SCHEMA}.job_runs RESTART IDENTITY"
            )
        )
    return scratch


@pytest.fixture(scope="session")
def broker() -> str:
    """The stack's broker (started by `scripts/stack.py test-infra`)."""
    assert api_versions_round_trip("127.0.0.1", 9092, 2.0), "broker on 9092 is not running"
    return BROKER


@pytest.fixture
def topic_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}-"


@pytest.fixture
def private_broker():
    broker = PrivateBroker()
    yield broker
    broker.stop()
