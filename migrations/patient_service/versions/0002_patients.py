"""Patients, consent records, audit log and the log of consumed events about patients.

Revision ID: patient_service_0002
Revises: patient_service_0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "patient_service_0002"
down_revision = "patient_service_0001"
branch_labels = None
depends_on = None

SCHEMA = "patient_service"
TS = sa.DateTime(timezone=True)
STATUSES = "'registered','searching','paused','placed','in_therapy','completed','cancelled'"


def _patient_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("salutation", sa.String(40), nullable=True),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("gender", sa.String(20), nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("street", sa.String(200), nullable=True),
        sa.Column("house_number", sa.String(20), nullable=True),
        sa.Column("postal_code", sa.String(5), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("insurance_type", sa.String(20), nullable=False),
        sa.Column("insurer", sa.String(200), nullable=True),
        sa.Column("insurance_number", sa.String(30), nullable=True),
    ]


def _case_columns() -> list[sa.Column]:
    return [
        sa.Column("symptoms", JSONB, nullable=False),
        sa.Column("crisis", sa.Boolean, nullable=False),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("urgent_flagged", sa.Boolean, nullable=False),
        sa.Column("diagnosis_icd10", sa.String(10), nullable=True),
        sa.Column("initial_consultation_date", sa.Date, nullable=True),
        sa.Column("initial_consultation_waived", sa.Boolean, nullable=False),
        sa.Column("had_therapy", sa.Boolean, nullable=True),
        sa.Column("last_session_date", sa.Date, nullable=True),
        sa.Column("preferences", JSONB, nullable=False),
        sa.Column("availability", JSONB, nullable=False),
        sa.Column("exclusions", JSONB, nullable=False),
        sa.Column("consent_version", sa.String(50), nullable=True),
        sa.Column("consent_given_at", TS, nullable=True),
        sa.Column("consent_withdrawn_at", TS, nullable=True),
        sa.Column("location_status", sa.String(20), nullable=False),
        sa.Column("latitude", sa.Float, nullable=True),
        sa.Column("longitude", sa.Float, nullable=True),
        sa.Column("location_precision", sa.String(20), nullable=True),
        sa.Column("location_source", sa.String(40), nullable=True),
        sa.Column("location_attempts", sa.Integer, nullable=False),
        sa.Column("location_checked_at", TS, nullable=True),
        sa.Column("search_started_at", TS, nullable=True),
        sa.Column("placed_at", TS, nullable=True),
        sa.Column("placed_therapist_id", sa.BigInteger, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    ]


def _patient_checks() -> list[sa.CheckConstraint]:
    return [
        sa.CheckConstraint(f"status IN ({STATUSES})", name="ck_patients_status"),
        sa.CheckConstraint(
            "insurance_type IN ('statutory','private','self_pay')",
            name="ck_patients_insurance_type",
        ),
        sa.CheckConstraint(
            "location_status IN ('pending','resolved','failed')", name="ck_patients_location_status"
        ),
        sa.CheckConstraint(
            "location_status <> 'resolved' OR (latitude IS NOT NULL AND longitude IS NOT NULL)",
            name="ck_patients_resolved_has_coordinates",
        ),
        sa.CheckConstraint("postal_code ~ '^[0-9]{5}$'", name="ck_patients_postal_code"),
        sa.CheckConstraint("version >= 1", name="ck_patients_version"),
    ]


def upgrade() -> None:
    _create_patients()
    _create_consents()
    _create_audit_log()
    _create_event_log()


def _create_patients() -> None:
    op.create_table(
        "patients", *_patient_columns(), *_case_columns(), *_patient_checks(), schema=SCHEMA
    )
    op.create_index("ix_patients_status", "patients", ["status"], schema=SCHEMA)
    op.create_index("ix_patients_postal_code", "patients", ["postal_code"], schema=SCHEMA)
    op.create_index(
        "ix_patients_pending_location",
        "patients",
        ["id"],
        schema=SCHEMA,
        postgresql_where=sa.text("location_status = 'pending'"),
    )
    op.create_index(
        "ix_patients_crisis", "patients", ["id"], schema=SCHEMA, postgresql_where=sa.text("crisis")
    )


def _create_consents() -> None:
    op.create_table(
        "consents",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column(
            "patient_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.patients.id"), nullable=False
        ),
        sa.Column("version", sa.String(50), nullable=False),
        sa.Column("given_at", TS, nullable=False),
        sa.Column("withdrawn_at", TS, nullable=True),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_consents_patient_id", "consents", ["patient_id"], schema=SCHEMA)


def _create_audit_log() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column(
            "patient_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.patients.id"), nullable=False
        ),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("changes", JSONB, nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_audit_log_patient_id", "audit_log", ["patient_id", "at"], schema=SCHEMA)


def _create_event_log() -> None:
    op.create_table(
        "event_log",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("patient_id", sa.BigInteger, nullable=False),
        sa.Column("event_id", UUID(as_uuid=False), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("occurred_at", TS, nullable=False),
        sa.Column("producer", sa.String(100), nullable=False),
        sa.Column("summary", JSONB, nullable=False),
        sa.UniqueConstraint("event_id", "patient_id", name="uq_event_log_event_patient"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_event_log_patient_id", "event_log", ["patient_id", "occurred_at"], schema=SCHEMA
    )


def downgrade() -> None:
    for table in ("event_log", "audit_log", "consents", "patients"):
        op.drop_table(table, schema=SCHEMA)
