"""The stack clock: one row with the simulated instant every process of the service follows
(only read with ALLOW_CLOCK_OVERRIDE; NULL: real time).

Revision ID: geocoding_service_0005
Revises: geocoding_service_0004
Create Date: 2026-12-06
"""

from migrations.helpers import create_stack_clock_table, drop_stack_clock_table

revision = "geocoding_service_0005"
down_revision = "geocoding_service_0004"
branch_labels = None
depends_on = None

SCHEMA = "geocoding_service"


def upgrade() -> None:
    create_stack_clock_table(SCHEMA)


def downgrade() -> None:
    drop_stack_clock_table(SCHEMA)
