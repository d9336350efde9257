"""SQLAlchemy tables of the patient service (schema `patient_service`)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shared.audit import audit_entries_table
from shared.db import infrastructure_tables

SCHEMA = "patient_service"
metadata = MetaData(schema=SCHEMA)
infrastructure = infrastructure_tables(metadata)
audit_entries = audit_entries_table(metadata)
TS = DateTime(timezone=True)

patients = Table(
    "patients",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("status", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("salutation", String(40), nullable=True),
    Column("first_name", String(100), nullable=True),  # NULL only in a tombstone
    Column("last_name", String(100), nullable=True),  # NULL only in a tombstone
    Column("gender", String(20), nullable=False),
    Column("birth_date", Date, nullable=True),  # NULL only in a tombstone
    Column("email", String(254), nullable=True),
    Column("phone", String(20), nullable=True),
    Column("street", String(200), nullable=True),
    Column("house_number", String(20), nullable=True),
    Column("postal_code", String(5), nullable=True),  # NULL only in a tombstone
    Column("city", String(100), nullable=True),  # NULL only in a tombstone
    Column("insurance_type", String(20), nullable=False),
    Column("insurer", String(200), nullable=True),
    Column("insurance_number", String(30), nullable=True),
    Column("symptoms", JSONB, nullable=False),
    Column("crisis", Boolean, nullable=False),
    Column("crisis_raised_at", TS, nullable=True),  # raised after registration (else NULL)
    Column("crisis_acknowledged_at", TS, nullable=True),  # staff saw the crisis flag
    Column("crisis_acknowledged_by", String(200), nullable=True),
    Column("urgent", Boolean, nullable=False),
    Column("urgent_flagged", Boolean, nullable=False),
    Column("diagnosis_icd10", String(10), nullable=True),
    Column("initial_consultation_date", Date, nullable=True),
    Column("initial_consultation_waived", Boolean, nullable=False),
    Column("had_therapy", Boolean, nullable=True),
    Column("last_session_date", Date, nullable=True),
    Column("preferences", JSONB, nullable=False),
    Column("availability", JSONB, nullable=False),
    Column("exclusions", JSONB, nullable=False),
    Column("consent_version", String(50), nullable=True),
    Column("consent_given_at", TS, nullable=True),
    Column("consent_withdrawn_at", TS, nullable=True),
    Column("location_status", String(20), nullable=False),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("location_precision", String(20), nullable=True),
    Column("location_source", String(40), nullable=True),
    Column("location_attempts", Integer, nullable=False),
    Column("location_checked_at", TS, nullable=True),
    Column("search_started_at", TS, nullable=True),
    Column("placed_at", TS, nullable=True),
    Column("placed_therapist_id", BigInteger, nullable=True),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("erased_at", TS, nullable=True),
)

consents = Table(
    "consents",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("patient_id", BigInteger, ForeignKey(f"{SCHEMA}.patients.id"), nullable=False),
    Column("version", String(50), nullable=False),
    Column("given_at", TS, nullable=False),
    Column("withdrawn_at", TS, nullable=True),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", TS, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("patient_id", BigInteger, ForeignKey(f"{SCHEMA}.patients.id"), nullable=False),
    Column("at", TS, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("changes", JSONB, nullable=False),
)

event_log = Table(
    "event_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("patient_id", BigInteger, nullable=False),
    Column("event_id", UUID(as_uuid=False), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("occurred_at", TS, nullable=False),
    Column("producer", String(100), nullable=False),
    Column("summary", JSONB, nullable=False),
    UniqueConstraint("event_id", "patient_id", name="uq_event_log_event_patient"),
)

# One row per service that must erase a patient's data; completed_at is set by its event.
erasure_steps = Table(
    "erasure_steps",
    metadata,
    Column("patient_id", BigInteger, ForeignKey(f"{SCHEMA}.patients.id"), primary_key=True),
    Column("service", String(50), primary_key=True),
    Column("requested_at", TS, nullable=False),
    Column("requested_by", String(200), nullable=False),
    Column("completed_at", TS, nullable=True),
    Column("counts", JSONB, nullable=True),
)

# What the consistency check found and could not repair (GET /api/attention lists the open
# ones; one open item per patient and reason; a later check that finds no drift resolves it).
attention_items = Table(
    "attention_items",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("reason", String(40), nullable=False),
    Column("patient_id", BigInteger, nullable=False),
    Column("details", JSONB, nullable=False),
    Column("created_at", TS, nullable=False),
    Column("checked_at", TS, nullable=False),
    Column("resolved_at", TS, nullable=True),
    Index(
        "uq_attention_items_open",
        "patient_id",
        "reason",
        unique=True,
        postgresql_where=text("resolved_at IS NULL"),
    ),
)
