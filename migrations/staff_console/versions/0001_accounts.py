"""Console accounts (argon2 hashes, lockout counters) and the login audit.

Revision ID: staff_console_0001
Revises:
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "staff_console_0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "staff_console"


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("first_failed_at", sa.DateTime(timezone=True)),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("role IN ('staff', 'admin')", name="accounts_role"),
        schema=SCHEMA,
    )
    op.create_index(
        "accounts_username_lower",
        "accounts",
        [sa.text("lower(username)")],
        unique=True,
        schema=SCHEMA,
    )
    op.create_table(
        "login_audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(64)),
        sa.Column("remote_addr", sa.String(64)),
        sa.Column("detail", sa.Text),
        schema=SCHEMA,
    )
    op.create_index("login_audit_username", "login_audit", ["username"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("login_audit", schema=SCHEMA)
    op.drop_table("accounts", schema=SCHEMA)
