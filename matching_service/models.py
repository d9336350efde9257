"""SQLAlchemy tables of the matching service (schema `matching_service`), as migrated."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from matching_service.domain.states import ASKED_PAIR_SQL
from shared.audit import audit_entries_table
from shared.db import infrastructure_tables

SCHEMA = "matching_service"
metadata = MetaData(schema=SCHEMA)
infrastructure = infrastructure_tables(metadata)
audit_entries = audit_entries_table(metadata)
TS = DateTime(timezone=True)

patients = Table(
    "patients",
    metadata,
    Column("patient_id", BigInteger, primary_key=True, autoincrement=False),
    Column("status", String(20), nullable=False),
    Column("age", Integer),
    Column("gender", String(20), nullable=False),
    Column("postal_code", String(5)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("location_status", String(20), nullable=False),
    Column("insurance_type", String(20), nullable=False),
    Column("preferences", JSONB, nullable=False),
    Column("availability", JSONB, nullable=False),
    Column("exclusions", JSONB, nullable=False),
    Column("complaint_groups", JSONB, nullable=False),
    Column("urgent", Boolean, nullable=False),
    Column("search_started_at", TS),
    Column("placed_request_id", BigInteger),
    Column("placed_therapist_id", BigInteger),
    Column("placed_at", TS),
    Column("profile_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
)

therapists = Table(
    "therapists",
    metadata,
    Column("therapist_id", BigInteger, primary_key=True, autoincrement=False),
    Column("has_profile", Boolean, nullable=False, default=False),
    Column("gender", String(20), nullable=False, default="unspecified"),
    Column("postal_code", String(5)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("offers", JSONB, nullable=False, default=list),
    Column("languages", JSONB, nullable=False, default=list),
    Column("consultation_hours", JSONB, nullable=False, default=dict),
    Column("patient_genders", JSONB, nullable=False, default=list),
    Column("statutory_licence", Boolean, nullable=False, default=True),
    Column("barrier_free", Boolean, nullable=False, default=False),
    Column("accepting_new_patients", String(10), nullable=False, default="unknown"),
    Column("capacity_as_of", Date),
    Column("age_min", Integer),
    Column("age_max", Integer),
    Column("prefers_group", Boolean, nullable=False, default=False),
    Column("status", String(20), nullable=False, default="active"),
    Column("opted_out", Boolean, nullable=False, default=False),
    Column("cooling_until", TS),
    Column("requests_contacted", Integer, nullable=False, default=0),
    Column("requests_answered", Integer, nullable=False, default=0),
    Column("profile_at", TS),
    Column("status_at", TS),
    Column("capacity_at", TS),
    Column("updated_at", TS, nullable=False),
)

matching_runs = Table(
    "matching_runs",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("trigger", String(60), nullable=False),
    Column("started_at", TS, nullable=False),
    Column("finished_at", TS),
    Column("patients_considered", Integer, nullable=False, default=0),
    Column("requests_created", Integer, nullable=False, default=0),
)

placement_requests = Table(
    "placement_requests",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("patient_id", BigInteger, nullable=False),
    Column("therapist_id", BigInteger, nullable=False),
    Column("status", String(30), nullable=False),
    Column("score", Float, nullable=False),
    Column("score_parts", JSONB, nullable=False),
    Column("distance_km", Float, nullable=False),
    Column("criteria", JSONB, nullable=False),
    Column("run_id", BigInteger),
    Column("therapist_unavailable", Boolean, nullable=False, default=False),
    Column("close_reason", String(40)),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Column("contacted_at", TS),
    Column("follow_up_at", TS),
    Column("closed_at", TS),
    # At most one asked request per pair (an open one or one that reached the therapist); a
    # request cancelled before contact leaves the index, so the pair may be proposed again.
    Index(
        "uq_placement_requests_asked",
        "patient_id",
        "therapist_id",
        unique=True,
        postgresql_where=text(ASKED_PAIR_SQL),
    ),
    Index("ix_placement_requests_pair", "patient_id", "therapist_id"),
)

exclusions = Table(
    "exclusions",
    metadata,
    Column("patient_id", BigInteger, primary_key=True),
    Column("therapist_id", BigInteger, primary_key=True),
    Column("reason", String(40), nullable=False),
    Column("created_at", TS, nullable=False),
)

cooling_periods = Table(
    "cooling_periods",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("therapist_id", BigInteger, nullable=False),
    Column("response_id", BigInteger, nullable=False),
    Column("starts_at", TS, nullable=False),
    Column("ends_at", TS, nullable=False),
    Column("lifted_at", TS),
    Column("lifted_by", String(200)),
    Column("lift_reason", Text),
    UniqueConstraint("therapist_id", "response_id", name="uq_cooling_periods_response"),
)
