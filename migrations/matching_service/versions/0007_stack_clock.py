"""The stack clock: one row with the simulated instant every process of the service follows
(only read with ALLOW_CLOCK_OVERRIDE; NULL: real time).

Revision ID: matching_service_0007
Revises: matching_service_0006
Create Date: 2026-12-06
"""

from migrations.helpers import create_stack_clock_table, drop_stack_clock_table

revision = "matching_service_0007"
down_revision = "matching_service_0006"
branch_labels = None
depends_on = None

SCHEMA = "matching_service"


def upgrade() -> None:
    create_stack_clock_table(SCHEMA)


def downgrade() -> None:
    drop_stack_clock_table(SCHEMA)
