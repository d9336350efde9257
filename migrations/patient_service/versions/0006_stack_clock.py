"""The stack clock: one row with the simulated instant every process of the service follows
(only read with ALLOW_CLOCK_OVERRIDE; NULL: real time).

Revision ID: patient_service_0006
Revises: patient_service_0005
Create Date: 2026-12-06
"""

from migrations.helpers import create_stack_clock_table, drop_stack_clock_table

revision = "patient_service_0006"
down_revision = "patient_service_0005"
branch_labels = None
depends_on = None

SCHEMA = "patient_service"


def upgrade() -> None:
    create_stack_clock_table(SCHEMA)


def downgrade() -> None:
    drop_stack_clock_table(SCHEMA)
