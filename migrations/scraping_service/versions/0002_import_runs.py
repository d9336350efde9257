"""Import runs, raw responses, known state per external id, rejected records, folder files.

Revision ID: scraping_service_0002
Revises: scraping_service_0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "scraping_service_0002"
down_revision = "scraping_service_0001"
branch_labels = None
depends_on = None

SCHEMA = "scraping_service"
TS = sa.DateTime(timezone=True)
COUNTS = ("new", "changed", "unchanged", "disappeared", "rejected", "duplicates", "records")


def upgrade() -> None:
    _import_runs()
    _raw_responses()
    _known_therapists()
    _rejected_records()
    _folder_files()
    _switches()


def _import_runs() -> None:
    op.create_table(
        "import_runs",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("area", sa.String(200), nullable=True),
        sa.Column("full_run", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=True),
        sa.Column("file_name", sa.String(500), nullable=True),
        *[sa.Column(f"count_{n}", sa.Integer, nullable=False, server_default="0") for n in COUNTS],
        sa.Column("count_warnings", sa.Integer, nullable=False, server_default="0"),
        sa.Column("details", JSONB, nullable=True),
        sa.Column("error", sa.String(2000), nullable=True),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("finished_at", TS, nullable=True),
        sa.CheckConstraint("source IN ('upload', 'folder', 'live')", name="ck_import_runs_source"),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed', 'stopped')",
            name="ck_import_runs_status",
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_import_runs_status", "import_runs", ["status", "id"], schema=SCHEMA)


def _raw_responses() -> None:
    op.create_table(
        "raw_responses",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column(
            "run_id",
            sa.BigInteger,
            sa.ForeignKey(f"{SCHEMA}.import_runs.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("label", sa.String(500), nullable=True),
        sa.Column("payload_gzip", sa.LargeBinary, nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.UniqueConstraint("run_id", "seq", name="uq_raw_responses_run_seq"),
        schema=SCHEMA,
    )
    op.create_index("ix_raw_responses_received_at", "raw_responses", ["received_at"], schema=SCHEMA)


def _known_therapists() -> None:
    op.create_table(
        "known_therapists",
        sa.Column("external_id", sa.String(100), primary_key=True),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("record", JSONB, nullable=False),
        sa.Column("area", sa.String(200), nullable=True),
        sa.Column("first_seen_run_id", sa.BigInteger, nullable=False),
        sa.Column("last_seen_run_id", sa.BigInteger, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("missed_runs", sa.Integer, nullable=False, server_default="0"),
        sa.Column("disappeared_at", TS, nullable=True),
        sa.Column("disappeared_run_id", sa.BigInteger, nullable=True),
        sa.CheckConstraint("missed_runs >= 0", name="ck_known_therapists_missed"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_known_therapists_area_present",
        "known_therapists",
        ["area"],
        schema=SCHEMA,
        postgresql_where=sa.text("disappeared_at IS NULL"),
    )


def _rejected_records() -> None:
    op.create_table(
        "rejected_records",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column(
            "run_id",
            sa.BigInteger,
            sa.ForeignKey(f"{SCHEMA}.import_runs.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("external_id", sa.String(100), nullable=True),
        sa.Column("position", sa.String(100), nullable=False),
        sa.Column("reasons", JSONB, nullable=False),
        sa.Column("item", JSONB, nullable=True),
        schema=SCHEMA,
    )
    op.create_index("ix_rejected_records_run", "rejected_records", ["run_id", "id"], schema=SCHEMA)


def _folder_files() -> None:
    op.create_table(
        "folder_files",
        sa.Column("path", sa.String(1000), primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column(
            "run_id",
            sa.BigInteger,
            sa.ForeignKey(f"{SCHEMA}.import_runs.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("error", sa.String(2000), nullable=True),
        sa.Column("picked_at", TS, nullable=False),
        schema=SCHEMA,
    )


def _switches() -> None:
    op.create_table(
        "switches",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("changed_by", sa.String(200), nullable=True),
        sa.Column("changed_at", TS, nullable=False),
        schema=SCHEMA,
    )


def downgrade() -> None:
    for table in (
        "switches",
        "folder_files",
        "rejected_records",
        "known_therapists",
        "raw_responses",
        "import_runs",
    ):
        op.drop_table(table, schema=SCHEMA)
