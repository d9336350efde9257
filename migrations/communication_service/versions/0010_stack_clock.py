"""The stack clock: one row with the simulated instant every process of the service follows
(only read with ALLOW_CLOCK_OVERRIDE; NULL: real time).

Revision ID: communication_service_0010
Revises: communication_service_0009
Create Date: 2026-12-06
"""

from migrations.helpers import create_stack_clock_table, drop_stack_clock_table

revision = "communication_service_0010"
down_revision = "communication_service_0009"
branch_labels = None
depends_on = None

SCHEMA = "communication_service"


def upgrade() -> None:
    create_stack_clock_table(SCHEMA)


def downgrade() -> None:
    drop_stack_clock_table(SCHEMA)
