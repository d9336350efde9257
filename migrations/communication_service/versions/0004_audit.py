"""Append-only audit trail (who, when, what, which record).

Revision ID: communication_service_0004
Revises: communication_service_0003
Create Date: 2026-11-26
"""

from migrations.helpers import create_audit_table, drop_audit_table

revision = "communication_service_0004"
down_revision = "communication_service_0003"
branch_labels = None
depends_on = None

SCHEMA = "communication_service"


def upgrade() -> None:
    create_audit_table(SCHEMA)


def downgrade() -> None:
    drop_audit_table(SCHEMA)
