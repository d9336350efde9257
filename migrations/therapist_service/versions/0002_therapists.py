"""Therapists, practices, change history and audit log; GiST index for radius queries.

Revision ID: therapist_service_0002
Revises: therapist_service_0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "therapist_service_0002"
down_revision = "therapist_service_0001"
branch_labels = None
depends_on = None

SCHEMA = "therapist_service"
TS = sa.DateTime(timezone=True)

# Frozen copies of shared.vocabulary at this revision (a unit test keeps them equal).
SOURCES = ("arztsuche_116117", "manual")
GENDERS = ("female", "male", "diverse", "unspecified")
CAPACITIES = ("yes", "no", "unknown")
CHANNELS = ("email", "phone")
STATUSES = ("active", "blocked", "inactive")
INACTIVE_CAUSES = ("source", "staff")
CHANGE_SOURCES = ("import", "staff")


def _in(column: str, allowed: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in allowed)})"


def _json(default: str) -> sa.TextClause:
    return sa.text(f"'{default}'::jsonb")


def upgrade() -> None:
    op.create_table(
        "practices",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_table(
        "practice_keys",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column(
            "practice_id",
            sa.BigInteger,
            sa.ForeignKey(f"{SCHEMA}.practices.id"),
            nullable=False,
            index=True,
        ),
        schema=SCHEMA,
    )
    _create_therapists()
    _create_therapist_indexes()
    _create_history_tables()


def _create_therapists() -> None:
    op.create_table(
        "therapists",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(100), nullable=True, unique=True),
        sa.Column("source", sa.String(30), nullable=False),
        sa.Column("salutation", sa.String(50)),
        sa.Column("title", sa.String(100)),
        sa.Column("first_name", sa.String(200)),
        sa.Column("last_name", sa.String(200), nullable=False),
        sa.Column("gender", sa.String(20), nullable=False, server_default="unspecified"),
        sa.Column("street", sa.String(200)),
        sa.Column("house_number", sa.String(20)),
        sa.Column("postal_code", sa.String(5)),
        sa.Column("city", sa.String(200)),
        sa.Column("latitude", sa.Float),
        sa.Column("longitude", sa.Float),
        sa.Column("phone", sa.String(20)),
        sa.Column("fax", sa.String(20)),
        sa.Column("email", sa.String(254)),
        sa.Column("website", sa.String(500)),
        sa.Column("languages", JSONB, nullable=False, server_default=_json("[]")),
        sa.Column("offers", JSONB, nullable=False, server_default=_json("[]")),
        sa.Column("statutory_licence", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("barrier_free", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("phone_hours", JSONB, nullable=False, server_default=_json("{}")),
        sa.Column("consultation_hours", JSONB, nullable=False, server_default=_json("{}")),
        sa.Column(
            "accepting_new_patients", sa.String(10), nullable=False, server_default="unknown"
        ),
        sa.Column("capacity_as_of", sa.Date),
        sa.Column("preferred_channel", sa.String(10), nullable=False, server_default="email"),
        sa.Column("opted_out", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("age_min", sa.SmallInteger),
        sa.Column("age_max", sa.SmallInteger),
        sa.Column("patient_genders", JSONB, nullable=False, server_default=_json("[]")),
        sa.Column("prefers_group", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(10), nullable=False, server_default="active"),
        sa.Column("status_reason", sa.String(500)),
        sa.Column("status_changed_at", TS),
        sa.Column("block_reason", sa.String(500)),
        sa.Column("inactive_cause", sa.String(10)),
        sa.Column("practice_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.practices.id")),
        sa.Column("last_seen_at", TS),
        sa.Column("source_updated_at", TS),
        sa.Column("last_import_run_id", sa.BigInteger),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", TS, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(_in("source", SOURCES), name="ck_therapists_source"),
        sa.CheckConstraint(_in("gender", GENDERS), name="ck_therapists_gender"),
        sa.CheckConstraint(
            _in("accepting_new_patients", CAPACITIES), name="ck_therapists_capacity"
        ),
        sa.CheckConstraint(_in("preferred_channel", CHANNELS), name="ck_therapists_channel"),
        sa.CheckConstraint(_in("status", STATUSES), name="ck_therapists_status"),
        sa.CheckConstraint(
            f"inactive_cause IS NULL OR {_in('inactive_cause', INACTIVE_CAUSES)}",
            name="ck_therapists_inactive_cause",
        ),
        sa.CheckConstraint(
            "(latitude IS NULL) = (longitude IS NULL)", name="ck_therapists_coordinates_pair"
        ),
        sa.CheckConstraint(
            "latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180",
            name="ck_therapists_coordinates_range",
        ),
        sa.CheckConstraint(
            "age_min IS NULL OR age_max IS NULL OR age_min <= age_max",
            name="ck_therapists_age_range",
        ),
        schema=SCHEMA,
    )


def _create_therapist_indexes() -> None:
    op.create_index(
        "ix_therapists_location",
        "therapists",
        [sa.text("point(longitude, latitude)")],
        postgresql_using="gist",
        schema=SCHEMA,
    )
    op.create_index("ix_therapists_status", "therapists", ["status"], schema=SCHEMA)
    op.create_index("ix_therapists_postal_code", "therapists", ["postal_code"], schema=SCHEMA)
    op.create_index("ix_therapists_practice_id", "therapists", ["practice_id"], schema=SCHEMA)
    op.create_index(
        "ix_therapists_offers",
        "therapists",
        ["offers"],
        postgresql_using="gin",
        postgresql_ops={"offers": "jsonb_path_ops"},
        schema=SCHEMA,
    )
    op.create_index(
        "ix_therapists_languages",
        "therapists",
        ["languages"],
        postgresql_using="gin",
        schema=SCHEMA,
    )


def _create_history_tables() -> None:
    op.create_table(
        "therapist_changes",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column(
            "therapist_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.therapists.id"), nullable=False
        ),
        sa.Column("field", sa.String(50), nullable=False),
        sa.Column("old_value", JSONB),
        sa.Column("new_value", JSONB),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("import_run_id", sa.BigInteger),
        sa.Column("event_id", UUID(as_uuid=False)),
        sa.Column("changed_at", TS, nullable=False),
        sa.CheckConstraint(_in("source", CHANGE_SOURCES), name="ck_therapist_changes_source"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_therapist_changes_therapist", "therapist_changes", ["therapist_id", "id"], schema=SCHEMA
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("therapist_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.therapists.id")),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("details", JSONB, nullable=False, server_default=_json("{}")),
        sa.Column("at", TS, nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_audit_log_therapist", "audit_log", ["therapist_id", "id"], schema=SCHEMA)


def downgrade() -> None:
    for table in ("audit_log", "therapist_changes", "therapists", "practice_keys", "practices"):
        op.drop_table(table, schema=SCHEMA)
