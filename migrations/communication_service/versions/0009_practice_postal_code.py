"""The practice's postal code in the therapist read model: call slots skip the public holidays
of its Bundesland (issue 16 item 9). Filled by the next therapist profile event; until then the
configured HOLIDAY_REGION applies.

Revision ID: communication_service_0009
Revises: communication_service_0007
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "communication_service_0009"
down_revision = "communication_service_0007"
branch_labels = None
depends_on = None

SCHEMA = "communication_service"


def upgrade() -> None:
    op.add_column("therapists", sa.Column("postal_code", sa.String(10)), schema=SCHEMA)


def downgrade() -> None:
    op.drop_column("therapists", "postal_code", schema=SCHEMA)
