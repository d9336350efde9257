"""Append-only audit trail (who, when, what, which record).

Revision ID: therapist_service_0003
Revises: therapist_service_0002
Create Date: 2026-11-26
"""

from migrations.helpers import create_audit_table, drop_audit_table

revision = "therapist_service_0003"
down_revision = "therapist_service_0002"
branch_labels = None
depends_on = None

SCHEMA = "therapist_service"


def upgrade() -> None:
    create_audit_table(SCHEMA)


def downgrade() -> None:
    drop_audit_table(SCHEMA)
