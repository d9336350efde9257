"""Seams of the placement process (issue 16): patient statuses, the staff attention list,
therapists' phone numbers, and one live call per followed-up e-mail.

Revision ID: communication_service_0005
Revises: communication_service_0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "communication_service_0005"
down_revision = "communication_service_0004"
branch_labels = None
depends_on = None

SCHEMA = "communication_service"


def _ts(name: str, **kwargs: object) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), **kwargs)


def upgrade() -> None:
    op.create_table(
        "patient_statuses",
        sa.Column("patient_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("status", sa.String(20), nullable=False),
        _ts("status_at", nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "attention_items",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("therapist_id", sa.BigInteger),
        sa.Column("patient_id", sa.BigInteger),
        sa.Column("placement_request_id", sa.BigInteger),
        sa.Column("response_id", sa.BigInteger),
        sa.Column("email_id", sa.BigInteger),
        _ts("created_at", nullable=False),
        _ts("resolved_at"),
        sa.Column("resolved_by", sa.String(200)),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_attention_items_open",
        "attention_items",
        ["created_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("resolved_at IS NULL"),
    )
    op.add_column(
        "therapists",
        sa.Column("has_phone", sa.Boolean, nullable=False, server_default=sa.true()),
        schema=SCHEMA,
    )
    op.drop_constraint("uq_calls_email", "calls", schema=SCHEMA, type_="unique")
    op.create_index(
        "uq_calls_email",
        "calls",
        ["email_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("state <> 'cancelled'"),
    )


def downgrade() -> None:
    op.drop_index("uq_calls_email", "calls", schema=SCHEMA)
    op.create_unique_constraint("uq_calls_email", "calls", ["email_id"], schema=SCHEMA)
    op.drop_column("therapists", "has_phone", schema=SCHEMA)
    op.drop_index("ix_attention_items_open", "attention_items", schema=SCHEMA)
    op.drop_table("attention_items", schema=SCHEMA)
    op.drop_table("patient_statuses", schema=SCHEMA)
