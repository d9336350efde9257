"""Only a real contact counts as asked: the unique pair constraint becomes a partial unique
index over the asked pairs, so a request cancelled before any contact (a pause, a block, changed
criteria) no longer keeps the pair from being proposed again; each pair still has at most one
open request, and a pair that was contacted is never asked twice.

Revision ID: matching_service_0005
Revises: matching_service_0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "matching_service_0005"
down_revision = "matching_service_0004"
branch_labels = None
depends_on = None

SCHEMA = "matching_service"
# Frozen copy of matching_service.domain.states.ASKED_PAIR_SQL at this revision.
ASKED_PAIR = "status <> 'cancelled' OR contacted_at IS NOT NULL"


def upgrade() -> None:
    op.drop_constraint(
        "uq_placement_requests_pair", "placement_requests", schema=SCHEMA, type_="unique"
    )
    op.create_index(
        "uq_placement_requests_asked",
        "placement_requests",
        ["patient_id", "therapist_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text(ASKED_PAIR),
    )
    op.create_index(
        "ix_placement_requests_pair",
        "placement_requests",
        ["patient_id", "therapist_id"],
        schema=SCHEMA,
    )


def downgrade() -> None:
    """Back to one request per pair (fails while a pair has two requests: remove the older
    cancelled ones first)."""
    op.drop_index("ix_placement_requests_pair", "placement_requests", schema=SCHEMA)
    op.drop_index("uq_placement_requests_asked", "placement_requests", schema=SCHEMA)
    op.create_unique_constraint(
        "uq_placement_requests_pair",
        "placement_requests",
        ["patient_id", "therapist_id"],
        schema=SCHEMA,
    )
