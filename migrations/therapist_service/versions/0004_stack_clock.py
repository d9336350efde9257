"""The stack clock: one row with the simulated instant every process of the service follows
(only read with ALLOW_CLOCK_OVERRIDE; NULL: real time).

Revision ID: therapist_service_0004
Revises: therapist_service_0003
Create Date: 2026-12-06
"""

from migrations.helpers import create_stack_clock_table, drop_stack_clock_table

revision = "therapist_service_0004"
down_revision = "therapist_service_0003"
branch_labels = None
depends_on = None

SCHEMA = "therapist_service"


def upgrade() -> None:
    create_stack_clock_table(SCHEMA)


def downgrade() -> None:
    drop_stack_clock_table(SCHEMA)
