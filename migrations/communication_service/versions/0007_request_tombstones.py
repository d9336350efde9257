"""Request tombstones: a withdrawal (cancelled, expired, placed) that arrives before the request
it withdraws leaves a tombstone, so the later creation stores the request closed, never waiting.

Revision ID: communication_service_0007
Revises: communication_service_0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "communication_service_0007"
down_revision = "communication_service_0006"
branch_labels = None
depends_on = None

SCHEMA = "communication_service"
# Frozen copy of the finished request states at this revision (domain/requests.FINISHED_STATES).
FINISHED = ("cancelled", "closed")


def upgrade() -> None:
    op.create_table(
        "request_tombstones",
        sa.Column("placement_request_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(40)),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"state IN {FINISHED!r}", name="ck_request_tombstones_state"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("request_tombstones", schema=SCHEMA)
