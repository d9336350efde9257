"""Read models, placement requests (unique pair), exclusions, cooling periods, matching runs.

Revision ID: matching_service_0002
Revises: matching_service_0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "matching_service_0002"
down_revision = "matching_service_0001"
branch_labels = None
depends_on = None

SCHEMA = "matching_service"
TS = sa.DateTime(timezone=True)
REQUEST_STATUSES = (
    "proposed",
    "queued",
    "contacted",
    "follow_up_scheduled",
    "accepted",
    "rejected",
    "no_response",
    "expired",
    "cancelled",
)
OPEN_STATUSES = "('proposed', 'queued', 'contacted', 'follow_up_scheduled')"


def _json(name: str, default: str) -> sa.Column:
    return sa.Column(name, JSONB, nullable=False, server_default=sa.text(f"'{default}'::jsonb"))


def _create_patients() -> None:
    op.create_table(
        "patients",
        sa.Column("patient_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("age", sa.Integer, nullable=True),
        sa.Column("gender", sa.String(20), nullable=False),
        sa.Column("postal_code", sa.String(5), nullable=True),
        sa.Column("latitude", sa.Float, nullable=True),
        sa.Column("longitude", sa.Float, nullable=True),
        sa.Column("location_status", sa.String(20), nullable=False),
        sa.Column("insurance_type", sa.String(20), nullable=False),
        _json("preferences", "{}"),
        _json("availability", "{}"),
        _json("exclusions", "[]"),
        _json("complaint_groups", "[]"),
        sa.Column("urgent", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("search_started_at", TS, nullable=True),
        sa.Column("placed_request_id", sa.BigInteger, nullable=True),
        sa.Column("placed_therapist_id", sa.BigInteger, nullable=True),
        sa.Column("placed_at", TS, nullable=True),
        sa.Column("profile_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_index("ix_patients_status", "patients", ["status"], schema=SCHEMA)


def _create_therapists() -> None:
    op.create_table(
        "therapists",
        sa.Column("therapist_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("has_profile", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("gender", sa.String(20), nullable=False, server_default="unspecified"),
        sa.Column("postal_code", sa.String(5), nullable=True),
        sa.Column("latitude", sa.Float, nullable=True),
        sa.Column("longitude", sa.Float, nullable=True),
        _json("offers", "[]"),
        _json("languages", "[]"),
        _json("consultation_hours", "{}"),
        _json("patient_genders", "[]"),
        sa.Column("statutory_licence", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("barrier_free", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column(
            "accepting_new_patients", sa.String(10), nullable=False, server_default="unknown"
        ),
        sa.Column("capacity_as_of", sa.Date, nullable=True),
        sa.Column("age_min", sa.Integer, nullable=True),
        sa.Column("age_max", sa.Integer, nullable=True),
        sa.Column("prefers_group", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(20), nullable=False, server_default="active"),
        sa.Column("opted_out", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("cooling_until", TS, nullable=True),
        sa.Column("requests_contacted", sa.Integer, nullable=False, server_default="0"),
        sa.Column("requests_answered", sa.Integer, nullable=False, server_default="0"),
        sa.Column("profile_at", TS, nullable=True),
        sa.Column("status_at", TS, nullable=True),
        sa.Column("capacity_at", TS, nullable=True),
        sa.Column("updated_at", TS, nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_therapists_location", "therapists", ["latitude", "longitude"], schema=SCHEMA
    )


def _create_runs_and_requests() -> None:
    op.create_table(
        "matching_runs",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("trigger", sa.String(60), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("patients_considered", sa.Integer, nullable=False, server_default="0"),
        sa.Column("requests_created", sa.Integer, nullable=False, server_default="0"),
        schema=SCHEMA,
    )
    op.create_table(
        "placement_requests",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("patient_id", sa.BigInteger, nullable=False),
        sa.Column("therapist_id", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("score_parts", JSONB, nullable=False),
        sa.Column("distance_km", sa.Float, nullable=False),
        sa.Column("criteria", JSONB, nullable=False),
        sa.Column("run_id", sa.BigInteger, nullable=True),  # no FK: bulk inserts stay cheap
        sa.Column("therapist_unavailable", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("close_reason", sa.String(40), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("contacted_at", TS, nullable=True),
        sa.Column("follow_up_at", TS, nullable=True),
        sa.Column("closed_at", TS, nullable=True),
        sa.UniqueConstraint("patient_id", "therapist_id", name="uq_placement_requests_pair"),
        sa.CheckConstraint(f"status IN {REQUEST_STATUSES!r}", name="ck_placement_requests_status"),
        sa.CheckConstraint("score >= 0 AND score <= 1", name="ck_placement_requests_score"),
        schema=SCHEMA,
    )
    # (patient_id, ...) lookups use the unique pair index and the partial open index.
    for name, cols in (
        ("ix_placement_requests_therapist", ["therapist_id", "status"]),
        ("ix_placement_requests_status", ["status", "contacted_at"]),
    ):
        op.create_index(name, "placement_requests", cols, schema=SCHEMA)
    op.create_index(
        "ix_placement_requests_open",
        "placement_requests",
        ["patient_id"],
        schema=SCHEMA,
        postgresql_where=sa.text(f"status IN {OPEN_STATUSES}"),
    )


def _create_exclusions_and_cooling() -> None:
    op.create_table(
        "exclusions",
        sa.Column("patient_id", sa.BigInteger, primary_key=True),
        sa.Column("therapist_id", sa.BigInteger, primary_key=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "cooling_periods",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("therapist_id", sa.BigInteger, nullable=False),
        sa.Column("response_id", sa.BigInteger, nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("ends_at", TS, nullable=False),
        sa.Column("lifted_at", TS, nullable=True),
        sa.UniqueConstraint("therapist_id", "response_id", name="uq_cooling_periods_response"),
        schema=SCHEMA,
    )


def upgrade() -> None:
    _create_patients()
    _create_therapists()
    _create_runs_and_requests()
    _create_exclusions_and_cooling()


def downgrade() -> None:
    for table in (
        "cooling_periods",
        "exclusions",
        "placement_requests",
        "matching_runs",
        "therapists",
        "patients",
    ):
        op.drop_table(table, schema=SCHEMA)
