"""Infrastructure tables: outbox, processed events, idempotency keys, job runs.

Revision ID: matching_service_0001
Revises:
Create Date: 2026-11-26
"""

from migrations.helpers import create_infrastructure_tables, drop_infrastructure_tables

revision = "matching_service_0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "matching_service"


def upgrade() -> None:
    create_infrastructure_tables(SCHEMA)


def downgrade() -> None:
    drop_infrastructure_tables(SCHEMA)
