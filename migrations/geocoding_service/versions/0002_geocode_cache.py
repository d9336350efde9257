"""Geocode cache: normalised query -> coordinates (or a short-lived negative entry).

Revision ID: geocoding_service_0002
Revises: geocoding_service_0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "geocoding_service_0002"
down_revision = "geocoding_service_0001"
branch_labels = None
depends_on = None

SCHEMA = "geocoding_service"
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "geocode_cache",
        sa.Column("query_key", sa.String(600), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("precision", sa.String(20), nullable=True),
        sa.Column("source", sa.String(40), nullable=True),
        sa.Column("postal_code", sa.String(5), nullable=True),
        sa.Column("hit_count", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("created_at", TS, nullable=False, server_default=sa.func.now()),
        sa.Column("refreshed_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("last_hit_at", TS, nullable=True),
        sa.CheckConstraint("status IN ('found', 'not_found')", name="ck_geocode_cache_status"),
        sa.CheckConstraint(
            "status <> 'found' OR (lat IS NOT NULL AND lon IS NOT NULL AND precision IS NOT NULL)",
            name="ck_geocode_cache_found_has_coordinates",
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_geocode_cache_expires_at", "geocode_cache", ["expires_at"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index("ix_geocode_cache_expires_at", table_name="geocode_cache", schema=SCHEMA)
    op.drop_table("geocode_cache", schema=SCHEMA)
