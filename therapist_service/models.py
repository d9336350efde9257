"""SQLAlchemy tables of the therapist service (schema `therapist_service`; DDL in migrations)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    MetaData,
    SmallInteger,
    String,
    Table,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shared.audit import audit_entries_table
from shared.db import infrastructure_tables

SCHEMA = "therapist_service"
metadata = MetaData(schema=SCHEMA)
infrastructure = infrastructure_tables(metadata)
audit_entries = audit_entries_table(metadata)


def _ts(name: str, **kwargs: object) -> Column:
    return Column(name, DateTime(timezone=True), **kwargs)


practices = Table(
    "practices",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    _ts("created_at", nullable=False, server_default=func.now()),
)

practice_keys = Table(
    "practice_keys",
    metadata,
    Column("key", String(300), primary_key=True),
    Column("practice_id", BigInteger, ForeignKey(f"{SCHEMA}.practices.id"), nullable=False),
)

therapists = Table(
    "therapists",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("external_id", String(100), unique=True),
    Column("source", String(30), nullable=False),
    Column("salutation", String(50)),
    Column("title", String(100)),
    Column("first_name", String(200)),
    Column("last_name", String(200), nullable=False),
    Column("gender", String(20), nullable=False, server_default="unspecified"),
    Column("street", String(200)),
    Column("house_number", String(20)),
    Column("postal_code", String(5)),
    Column("city", String(200)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("phone", String(20)),
    Column("fax", String(20)),
    Column("email", String(254)),
    Column("website", String(500)),
    Column("languages", JSONB, nullable=False),
    Column("offers", JSONB, nullable=False),
    Column("statutory_licence", Boolean, nullable=False),
    Column("barrier_free", Boolean, nullable=False),
    Column("phone_hours", JSONB, nullable=False),
    Column("consultation_hours", JSONB, nullable=False),
    Column("accepting_new_patients", String(10), nullable=False),
    Column("capacity_as_of", Date),
    Column("preferred_channel", String(10), nullable=False),
    Column("opted_out", Boolean, nullable=False),
    Column("age_min", SmallInteger),
    Column("age_max", SmallInteger),
    Column("patient_genders", JSONB, nullable=False),
    Column("prefers_group", Boolean, nullable=False),
    Column("status", String(10), nullable=False),
    Column("status_reason", String(500)),
    _ts("status_changed_at"),
    Column("block_reason", String(500)),
    Column("inactive_cause", String(10)),
    Column("practice_id", BigInteger, ForeignKey(f"{SCHEMA}.practices.id")),
    _ts("last_seen_at"),
    _ts("source_updated_at"),
    Column("last_import_run_id", BigInteger),
    _ts("created_at", nullable=False, server_default=func.now()),
    _ts("updated_at", nullable=False, server_default=func.now()),
)

therapist_changes = Table(
    "therapist_changes",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("therapist_id", BigInteger, ForeignKey(f"{SCHEMA}.therapists.id"), nullable=False),
    Column("field", String(50), nullable=False),
    Column("old_value", JSONB),
    Column("new_value", JSONB),
    Column("source", String(10), nullable=False),
    Column("import_run_id", BigInteger),
    Column("event_id", UUID(as_uuid=False)),
    _ts("changed_at", nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("therapist_id", BigInteger, ForeignKey(f"{SCHEMA}.therapists.id")),
    Column("actor", String(200), nullable=False),
    Column("action", String(50), nullable=False),
    Column("details", JSONB, nullable=False),
    _ts("at", nullable=False),
)
