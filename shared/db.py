"""Engine and session factory (PgBouncer-safe) and the tables every schema has."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    MetaData,
    SmallInteger,
    String,
    Table,
    create_engine,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, pool_size: int = 5, application_name: str = "psymatch") -> Engine:
    """An engine that is safe behind PgBouncer in transaction mode.

    psycopg2 uses no server-side prepared statements; no session state (SET, advisory session
    locks, LISTEN) is relied on; pre-ping replaces connections that PgBouncer or a restarted
    server dropped, so the service recovers without a restart.
    """
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=300,
        pool_timeout=5,
        connect_args={"connect_timeout": 3, "application_name": application_name},
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that never autoflush surprises and keep objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


def ping(engine: Engine) -> None:
    """Raise if the database cannot answer a trivial query."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def outbox_table(metadata: MetaData) -> Table:
    """`<schema>.outbox`: events written in the same transaction as the state change."""
    return Table(
        "outbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", UUID(as_uuid=False), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True), nullable=True),
    )


def processed_events_table(metadata: MetaData) -> Table:
    """`<schema>.processed_events`: event ids already applied by this service's consumers."""
    return Table(
        "processed_events",
        metadata,
        Column("event_id", UUID(as_uuid=False), primary_key=True),
        Column("event_type", String(200), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def idempotency_keys_table(metadata: MetaData) -> Table:
    """`<schema>.idempotency_keys`: stored responses of retried writes."""
    return Table(
        "idempotency_keys",
        metadata,
        Column("key", String(200), primary_key=True),
        Column("subject", String(200), primary_key=True),
        Column("method", String(10), nullable=False),
        Column("path", String(500), nullable=False),
        Column("request_hash", String(64), nullable=False),
        Column("status_code", BigInteger, nullable=True),
        Column("response", JSONB, nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def job_runs_table(metadata: MetaData) -> Table:
    """`<schema>.job_runs`: one row per scheduled or manual job run."""
    return Table(
        "job_runs",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("job_name", String(100), nullable=False, index=True),
        Column("trigger", String(20), nullable=False),
        Column("as_of", DateTime(timezone=True), nullable=True),
        Column("started_at", DateTime(timezone=True), nullable=False),
        Column("finished_at", DateTime(timezone=True), nullable=True),
        Column("status", String(20), nullable=False),
        Column("result", JSONB, nullable=True),
        Column("error", String(2000), nullable=True),
    )


def stack_clock_table(metadata: MetaData) -> Table:
    """`<schema>.stack_clock`: one row (id 1), the stack's simulated instant (NULL: real time),
    only read with ALLOW_CLOCK_OVERRIDE."""
    return Table(
        "stack_clock",
        metadata,
        Column("id", SmallInteger, primary_key=True, autoincrement=False),
        Column("simulated_now", DateTime(timezone=True), nullable=True),
        Column("updated_at", DateTime(timezone=True), nullable=True),
    )


def infrastructure_tables(metadata: MetaData) -> dict[str, Table]:
    """The tables every service schema has, registered on the service's metadata."""
    return {
        "outbox": outbox_table(metadata),
        "processed_events": processed_events_table(metadata),
        "idempotency_keys": idempotency_keys_table(metadata),
        "job_runs": job_runs_table(metadata),
        "stack_clock": stack_clock_table(metadata),
    }


def domain_table_names(metadata: MetaData, kept: set[str]) -> list[str]:
    """Qualified names of a service's own domain tables: everything on its metadata except the
    infrastructure tables and `kept` (e.g. the append-only audit trail). For emptying a schema
    in tests and benchmarks."""
    infrastructure = set(infrastructure_tables(MetaData()))
    return [t.fullname for t in metadata.sorted_tables if t.name not in infrastructure | kept]
