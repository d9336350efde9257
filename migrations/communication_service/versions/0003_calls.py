"""Phone calls: follow-up and first-contact calls in the therapists' phone hours.

One call per followed-up e-mail (UNIQUE email_id: running the job twice never books a second
call); the platform's call desk is the only caller, so no two scheduled calls share a slot start
(partial unique index). The ledger's cooling / opt-out trigger now also guards follow-up calls,
and checks an UPDATE only when it moves the blocked window.

Revision ID: communication_service_0003
Revises: communication_service_0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "communication_service_0003"
down_revision = "communication_service_0002"
branch_labels = None
depends_on = None

SCHEMA = "communication_service"
TS = sa.DateTime(timezone=True)

# Frozen copies of the vocabularies at this revision (a unit test keeps them equal).
CALL_STATES = ("scheduled", "completed", "failed", "cancelled")
CALL_PURPOSES = ("follow_up", "first_contact")

GUARD = """
CREATE OR REPLACE FUNCTION communication_service.refuse_blocked_outreach() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind NOT IN ({kinds}) OR NEW.voided_at IS NOT NULL THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND {unchanged} THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM communication_service.cooling_periods c
               WHERE c.therapist_id = NEW.therapist_id AND c.lifted_at IS NULL
                 AND NEW.blocks_from >= c.starts_at AND NEW.blocks_from < c.ends_at) THEN
        RAISE EXCEPTION 'therapist % is in a cooling period', NEW.therapist_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_contact_ledger_not_cooling';
    END IF;
    IF EXISTS (SELECT 1 FROM communication_service.therapists t
               WHERE t.therapist_id = NEW.therapist_id AND t.opted_out) THEN
        RAISE EXCEPTION 'therapist % opted out of contact', NEW.therapist_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_contact_ledger_not_opted_out';
    END IF;
    RETURN NEW;
END $$;
"""
UNCHANGED = (
    "NEW.blocks_from IS NOT DISTINCT FROM OLD.blocks_from AND NEW.kind = OLD.kind "
    "AND OLD.voided_at IS NULL"
)


def _in(column: str, allowed: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in allowed)})"


def upgrade() -> None:
    _create_calls()
    op.execute(GUARD.format(kinds="'outreach', 'follow_up'", unchanged=UNCHANGED))
    op.create_foreign_key(
        "fk_contact_ledger_call",
        "contact_ledger",
        "calls",
        ["call_id"],
        ["id"],
        source_schema=SCHEMA,
        referent_schema=SCHEMA,
    )
    op.create_index("ix_contact_ledger_call", "contact_ledger", ["call_id"], schema=SCHEMA)


def _create_calls() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("therapist_id", sa.BigInteger, nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("email_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.emails.id")),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempt", sa.SmallInteger, nullable=False, server_default="1"),
        sa.Column("slot_start", TS),
        sa.Column("flagged_for_staff", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("flag_reason", sa.String(40)),
        sa.Column("note", sa.String(2000)),
        sa.Column("response_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.responses.id")),
        sa.Column("closed_reason", sa.String(60)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("completed_at", TS),
        sa.Column("failed_at", TS),
        sa.Column("cancelled_at", TS),
        sa.UniqueConstraint("email_id", name="uq_calls_email"),
        sa.CheckConstraint(_in("state", CALL_STATES), name="ck_calls_state"),
        sa.CheckConstraint(_in("purpose", CALL_PURPOSES), name="ck_calls_purpose"),
        sa.CheckConstraint("attempt >= 1", name="ck_calls_attempt"),
        sa.CheckConstraint(
            "purpose <> 'follow_up' OR email_id IS NOT NULL", name="ck_calls_follow_up_email"
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_calls_scheduled_slot",
        "calls",
        ["slot_start"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("state = 'scheduled'"),
    )
    op.create_index("ix_calls_therapist", "calls", ["therapist_id", "state"], schema=SCHEMA)
    op.create_table(
        "call_requests",
        sa.Column("call_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.calls.id"), primary_key=True),
        sa.Column(
            "placement_request_id",
            sa.BigInteger,
            sa.ForeignKey(f"{SCHEMA}.outreach_requests.placement_request_id"),
            primary_key=True,
        ),
        sa.Column("position", sa.SmallInteger, nullable=False),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_call_requests_request", "call_requests", ["placement_request_id"], schema=SCHEMA
    )


def downgrade() -> None:
    # The ledger keeps its phone contacts, without the link to the dropped calls.
    op.execute(
        "UPDATE communication_service.contact_ledger SET call_id = NULL WHERE call_id IS NOT NULL"
    )
    op.drop_index("ix_contact_ledger_call", "contact_ledger", schema=SCHEMA)
    op.drop_constraint(
        "fk_contact_ledger_call", "contact_ledger", schema=SCHEMA, type_="foreignkey"
    )
    op.execute(GUARD.format(kinds="'outreach'", unchanged="FALSE"))
    op.drop_table("call_requests", schema=SCHEMA)
    op.drop_table("calls", schema=SCHEMA)
