"""Which subject (patient) a cache entry was looked up for, so erasure can delete it.

Revision ID: geocoding_service_0004
Revises: geocoding_service_0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "geocoding_service_0004"
down_revision = "geocoding_service_0003"
branch_labels = None
depends_on = None

SCHEMA = "geocoding_service"


def upgrade() -> None:
    op.create_table(
        "cache_subjects",
        sa.Column("subject_type", sa.String(20), primary_key=True),
        sa.Column("subject_id", sa.BigInteger, primary_key=True),
        sa.Column("query_key", sa.String(600), primary_key=True),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "subject_type IN ('patient', 'therapist', 'practice')",
            name="ck_cache_subjects_subject_type",
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_cache_subjects_query_key", "cache_subjects", ["query_key"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("cache_subjects", schema=SCHEMA)
