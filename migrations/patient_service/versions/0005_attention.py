"""The attention list: crisis acknowledgements and what the consistency check cannot repair.

Revision ID: patient_service_0005
Revises: patient_service_0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "patient_service_0005"
down_revision = "patient_service_0004"
branch_labels = None
depends_on = None

SCHEMA = "patient_service"
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # When a crisis flag was raised after registration (NULL: with the registration).
    op.add_column("patients", sa.Column("crisis_raised_at", TS, nullable=True), schema=SCHEMA)
    op.add_column("patients", sa.Column("crisis_acknowledged_at", TS, nullable=True), schema=SCHEMA)
    op.add_column(
        "patients",
        sa.Column("crisis_acknowledged_by", sa.String(200), nullable=True),
        schema=SCHEMA,
    )
    op.create_table(
        "attention_items",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("patient_id", sa.BigInteger, nullable=False),
        sa.Column("details", JSONB, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("checked_at", TS, nullable=False),
        sa.Column("resolved_at", TS, nullable=True),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_attention_items_open",
        "attention_items",
        ["patient_id", "reason"],
        unique=True,
        postgresql_where=sa.text("resolved_at IS NULL"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index("uq_attention_items_open", "attention_items", schema=SCHEMA)
    op.drop_table("attention_items", schema=SCHEMA)
    op.drop_column("patients", "crisis_acknowledged_by", schema=SCHEMA)
    op.drop_column("patients", "crisis_acknowledged_at", schema=SCHEMA)
    op.drop_column("patients", "crisis_raised_at", schema=SCHEMA)
