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


def create_stack_clock_table(schema: str) -> None:
    """`stack_clock`: one row (id 1), the stack's simulated instant (NULL: real time)."""
    table = op.create_table(
        "stack_clock",
        sa.Column("id", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("simulated_now", TS, nullable=True),
        sa.Column("updated_at", TS, nullable=True),
        schema=schema,
    )
    op.bulk_insert(table, [{"id": 1}])


def drop_stack_clock_table(schema: str) -> None:
    op.drop_table("stack_clock", schema=schema)


def drop_infrastructure_tables(schema: str) -> None:
    for table in ("job_runs", "idempotency_keys", "processed_events", "outbox"):
        op.drop_table(table, schema=schema)


AUDIT_TABLE = "audit_entries"


def create_audit_table(schema: str) -> None:
    """Append-only audit trail: the service role may only INSERT and SELECT its rows.

    Grants alone are not enough against the table's owner (the service role runs the
    migrations), so a trigger refuses UPDATE, DELETE and TRUNCATE as well.
    """
    op.create_table(
        AUDIT_TABLE,
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("route", sa.String(300), nullable=False),
        sa.Column("record_type", sa.String(50), nullable=True),
        sa.Column("record_id", sa.String(100), nullable=True),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        schema=schema,
    )
    op.create_index(
        "ix_audit_entries_record", AUDIT_TABLE, ["record_type", "record_id", "id"], schema=schema
    )
    op.create_index("ix_audit_entries_subject", AUDIT_TABLE, ["subject", "id"], schema=schema)
    op.execute(
        f"""
        CREATE FUNCTION {schema}.audit_entries_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit entries are append-only';
        END;
        $$
        """
    )
    op.execute(
        f"CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON {schema}.{AUDIT_TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {schema}.audit_entries_append_only()"
    )
    op.execute(
        f"CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON {schema}.{AUDIT_TABLE} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {schema}.audit_entries_append_only()"
    )
    op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.{AUDIT_TABLE} FROM CURRENT_USER")


def drop_audit_table(schema: str) -> None:
    op.drop_table(AUDIT_TABLE, schema=schema)
    op.execute(f"DROP FUNCTION IF EXISTS {schema}.audit_entries_append_only()")
