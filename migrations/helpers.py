"""Frozen DDL used by migrations (never imports live models, so old revisions stay stable)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

TS = sa.DateTime(timezone=True)


def create_infrastructure_tables(schema: str) -> None:
    """outbox, processed_events, idempotency_keys, job_runs in `schema`."""
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("event_id", UUID(as_uuid=False), nullable=False, unique=True),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("envelope", JSONB, nullable=False),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", TS, nullable=True),
        schema=schema,
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["id"],
        schema=schema,
        postgresql_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "processed_events",
        sa.Column("event_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("processed_at", TS, nullable=False, server_default=sa.func.now()),
        schema=schema,
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("subject", sa.String(200), primary_key=True),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.BigInteger, nullable=True),
        sa.Column("response", JSONB, nullable=True),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        schema=schema,
    )
    op.create_table(
        "job_runs",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("job_name", sa.String(100), nullable=False, index=True),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("as_of", TS, nullable=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("result", JSONB, nullable=True),
        sa.Column("error", sa.String(2000), nullable=True),
        schema=schema,
    )


def drop_infrastructure_tables(schema: str) -> None:
    for table in ("job_runs", "idempotency_keys", "processed_events", "outbox"):
        op.drop_table(table, schema=schema)
