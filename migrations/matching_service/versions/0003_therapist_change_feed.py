"""Therapist change feed: each row stamped with the transaction that last wrote it.

The worker keeps its therapist index in memory and re-reads only rows written by transactions
that were still running at its previous refresh (`change_xid >= snapshot xmin`).

Revision ID: matching_service_0003
Revises: matching_service_0002
Create Date: 2026-11-26
"""

from alembic import op

revision = "matching_service_0003"
down_revision = "matching_service_0002"
branch_labels = None
depends_on = None

SCHEMA = "matching_service"


def upgrade() -> None:
    op.execute(f"ALTER TABLE {SCHEMA}.therapists ADD COLUMN change_xid xid8")
    op.execute(f"UPDATE {SCHEMA}.therapists SET change_xid = pg_current_xact_id()")  # noqa: S608
    op.execute(f"""
        CREATE FUNCTION {SCHEMA}.stamp_therapist_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            NEW.change_xid := pg_current_xact_id();
            RETURN NEW;
        END $$""")
    op.execute(f"""
        CREATE TRIGGER trg_therapists_change_xid BEFORE INSERT OR UPDATE
        ON {SCHEMA}.therapists FOR EACH ROW
        EXECUTE FUNCTION {SCHEMA}.stamp_therapist_change()""")
    op.execute(f"CREATE INDEX ix_therapists_change_xid ON {SCHEMA}.therapists (change_xid)")


def downgrade() -> None:
    op.execute(f"DROP TRIGGER IF EXISTS trg_therapists_change_xid ON {SCHEMA}.therapists")
    op.execute(f"DROP FUNCTION IF EXISTS {SCHEMA}.stamp_therapist_change()")
    op.execute(f"DROP INDEX IF EXISTS {SCHEMA}.ix_therapists_change_xid")
    op.execute(f"ALTER TABLE {SCHEMA}.therapists DROP COLUMN IF EXISTS change_xid")
