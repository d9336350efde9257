"""Staff may lift a running cooling period: who lifted it and why (issue 16 item 9).

Revision ID: matching_service_0006
Revises: matching_service_0005
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "matching_service_0006"
down_revision = "matching_service_0005"
branch_labels = None
depends_on = None

SCHEMA = "matching_service"


def upgrade() -> None:
    op.add_column("cooling_periods", sa.Column("lifted_by", sa.String(200)), schema=SCHEMA)
    op.add_column("cooling_periods", sa.Column("lift_reason", sa.Text), schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("cooling_periods", "lift_reason", schema=SCHEMA)
    op.drop_column("cooling_periods", "lifted_by", schema=SCHEMA)
