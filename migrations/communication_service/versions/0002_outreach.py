"""Outreach: therapist read model, requests, e-mails, contact ledger, responses, cooling periods.

The 7-day rule is an exclusion constraint (one live outreach e-mail window per therapist, and per
practice where configured); the window length comes from settings, the non-overlap from here.
Cooling periods and opt-outs are enforced by a trigger on the ledger.

Revision ID: communication_service_0002
Revises: communication_service_0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "communication_service_0002"
down_revision = "communication_service_0001"
branch_labels = None
depends_on = None

SCHEMA = "communication_service"
TS = sa.DateTime(timezone=True)

# Frozen copies of the vocabularies at this revision (a unit test keeps them equal).
EMAIL_STATES = ("draft", "queued", "sending", "sent", "failed", "cancelled")
REQUEST_STATES = ("waiting", "in_email", "phone_pending", "cancelled", "closed")
PURPOSES = ("outreach", "reminder", "place_taken", "patient")
RECIPIENTS = ("therapist", "patient")
CHANNELS = ("email", "phone")
LEDGER_KINDS = ("outreach", "reminder", "follow_up", "place_taken", "response")
OUTCOMES = (
    "accepted",
    "rejected_no_capacity",
    "rejected_not_suitable",
    "rejected_other",
    "no_show",
)
LIVE_EMAIL_OUTREACH = "kind = 'outreach' AND channel = 'email' AND voided_at IS NULL"

REFUSE_BLOCKED_OUTREACH = """
CREATE FUNCTION communication_service.refuse_blocked_outreach() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind <> 'outreach' OR NEW.voided_at IS NOT NULL THEN
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


def _in(column: str, allowed: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in allowed)})"


def upgrade() -> None:
    _create_therapists()
    _create_requests()
    _create_emails()
    _create_responses()
    _create_ledger()


def _create_therapists() -> None:
    op.create_table(
        "therapists",
        sa.Column("therapist_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("practice_id", sa.BigInteger),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("opted_out", sa.Boolean, nullable=False),
        sa.Column("has_email", sa.Boolean, nullable=False),
        sa.Column("preferred_channel", sa.String(10), nullable=False),
        sa.Column("phone_hours", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("profile_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(_in("preferred_channel", CHANNELS), name="ck_therapists_channel"),
        schema=SCHEMA,
    )


def _create_requests() -> None:
    op.create_table(
        "outreach_requests",
        sa.Column("placement_request_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("patient_id", sa.BigInteger, nullable=False),
        sa.Column("therapist_id", sa.BigInteger, nullable=False),
        sa.Column("run_id", sa.BigInteger),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("search_started_at", TS),
        sa.Column("summary", JSONB, nullable=False),
        sa.Column("distance_km", sa.Float),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("state_changed_at", TS, nullable=False),
        sa.Column("close_reason", sa.String(40)),
        sa.CheckConstraint(_in("state", REQUEST_STATES), name="ck_outreach_requests_state"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_outreach_requests_waiting",
        "outreach_requests",
        ["therapist_id"],
        schema=SCHEMA,
        postgresql_where=sa.text("state = 'waiting'"),
    )
    op.create_index(
        "ix_outreach_requests_patient", "outreach_requests", ["patient_id"], schema=SCHEMA
    )
    op.create_index(
        "ix_outreach_requests_therapist",
        "outreach_requests",
        ["therapist_id", "state"],
        schema=SCHEMA,
    )


def _create_emails() -> None:
    op.create_table(
        "emails",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("template", sa.String(60), nullable=False),
        sa.Column("recipient", sa.String(10), nullable=False),
        sa.Column("therapist_id", sa.BigInteger),
        sa.Column("patient_id", sa.BigInteger),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("context", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("to_address", sa.String(254)),
        sa.Column("subject", sa.String(300)),
        sa.Column("body_text", sa.Text),
        sa.Column("body_html", sa.Text),
        sa.Column("message_id", sa.String(250), unique=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", TS),
        sa.Column("last_error", sa.String(1000)),
        sa.Column("delivery_confirmed", sa.Boolean),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("queued_at", TS),
        sa.Column("sending_since", TS),
        sa.Column("sent_at", TS),
        sa.Column("failed_at", TS),
        sa.Column("cancelled_at", TS),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(_in("state", EMAIL_STATES), name="ck_emails_state"),
        sa.CheckConstraint(_in("purpose", PURPOSES), name="ck_emails_purpose"),
        sa.CheckConstraint(_in("recipient", RECIPIENTS), name="ck_emails_recipient"),
        sa.CheckConstraint("attempts >= 0", name="ck_emails_attempts"),
        sa.CheckConstraint(
            "recipient <> 'therapist' OR therapist_id IS NOT NULL",
            name="ck_emails_therapist_recipient",
        ),
        sa.CheckConstraint(
            "recipient <> 'patient' OR patient_id IS NOT NULL", name="ck_emails_patient_recipient"
        ),
        sa.CheckConstraint(
            "state NOT IN ('queued', 'sending', 'sent') OR (to_address IS NOT NULL AND "
            "subject IS NOT NULL AND body_text IS NOT NULL AND body_html IS NOT NULL AND "
            "message_id IS NOT NULL)",
            name="ck_emails_composed",
        ),
        sa.CheckConstraint("state <> 'sent' OR sent_at IS NOT NULL", name="ck_emails_sent_at"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_emails_due",
        "emails",
        ["next_attempt_at", "id"],
        schema=SCHEMA,
        postgresql_where=sa.text("state IN ('draft', 'queued')"),
    )
    op.create_index(
        "ix_emails_sending",
        "emails",
        ["sending_since"],
        schema=SCHEMA,
        postgresql_where=sa.text("state = 'sending'"),
    )
    op.create_index("ix_emails_therapist", "emails", ["therapist_id", "id"], schema=SCHEMA)
    op.create_index("ix_emails_patient", "emails", ["patient_id", "id"], schema=SCHEMA)
    op.create_table(
        "email_requests",
        sa.Column(
            "email_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.emails.id"), primary_key=True
        ),
        sa.Column(
            "placement_request_id",
            sa.BigInteger,
            sa.ForeignKey(f"{SCHEMA}.outreach_requests.placement_request_id"),
            primary_key=True,
        ),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("position", sa.SmallInteger, nullable=False),
        sa.CheckConstraint(_in("purpose", PURPOSES), name="ck_email_requests_purpose"),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_email_requests_one_outreach",
        "email_requests",
        ["placement_request_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("purpose = 'outreach'"),
    )


def _create_responses() -> None:
    op.create_table(
        "responses",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("therapist_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("note", sa.String(2000)),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.CheckConstraint(_in("channel", CHANNELS), name="ck_responses_channel"),
        schema=SCHEMA,
    )
    op.create_table(
        "response_outcomes",
        sa.Column(
            "response_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.responses.id"), primary_key=True
        ),
        sa.Column(
            "placement_request_id",
            sa.BigInteger,
            sa.ForeignKey(f"{SCHEMA}.outreach_requests.placement_request_id"),
            primary_key=True,
        ),
        sa.Column("patient_id", sa.BigInteger, nullable=False),
        sa.Column("outcome", sa.String(30), nullable=False),
        sa.UniqueConstraint("placement_request_id", name="uq_response_outcomes_request"),
        sa.CheckConstraint(_in("outcome", OUTCOMES), name="ck_response_outcomes_outcome"),
        schema=SCHEMA,
    )
    op.create_table(
        "cooling_periods",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("therapist_id", sa.BigInteger, nullable=False, index=True),
        sa.Column("response_id", sa.BigInteger, nullable=False, unique=True),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("ends_at", TS, nullable=False),
        sa.Column("lifted_at", TS),
        sa.Column("lifted_by", sa.String(200)),
        sa.CheckConstraint("ends_at > starts_at", name="ck_cooling_periods_range"),
        schema=SCHEMA,
    )


def _create_ledger() -> None:
    op.create_table(
        "contact_ledger",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("therapist_id", sa.BigInteger, nullable=False),
        sa.Column("practice_id", sa.BigInteger),
        sa.Column("limit_practice_id", sa.BigInteger),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("email_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.emails.id")),
        sa.Column("call_id", sa.BigInteger),
        sa.Column("response_id", sa.BigInteger, sa.ForeignKey(f"{SCHEMA}.responses.id")),
        sa.Column("blocks_from", TS),
        sa.Column("blocks_until", TS),
        sa.Column("occurred_at", TS),
        sa.Column("voided_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint(_in("channel", CHANNELS), name="ck_contact_ledger_channel"),
        sa.CheckConstraint(_in("kind", LEDGER_KINDS), name="ck_contact_ledger_kind"),
        sa.CheckConstraint(
            "kind <> 'outreach' OR (blocks_from IS NOT NULL AND blocks_until > blocks_from)",
            name="ck_contact_ledger_window",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_contact_ledger_therapist", "contact_ledger", ["therapist_id", "id"], schema=SCHEMA
    )
    op.create_index("ix_contact_ledger_email", "contact_ledger", ["email_id"], schema=SCHEMA)
    _exclusion("ex_contact_ledger_email_window", "therapist_id", LIVE_EMAIL_OUTREACH)
    _exclusion(
        "ex_contact_ledger_practice_window",
        "limit_practice_id",
        f"{LIVE_EMAIL_OUTREACH} AND limit_practice_id IS NOT NULL",
    )
    op.execute(REFUSE_BLOCKED_OUTREACH)
    op.execute(
        f"CREATE TRIGGER tr_contact_ledger_blocked BEFORE INSERT OR UPDATE "
        f"ON {SCHEMA}.contact_ledger FOR EACH ROW "
        f"EXECUTE FUNCTION {SCHEMA}.refuse_blocked_outreach()"
    )


def _exclusion(name: str, key: str, where: str) -> None:
    """Two live outreach windows of one key never overlap (built-in range GiST, no extension)."""
    op.execute(
        f"ALTER TABLE {SCHEMA}.contact_ledger ADD CONSTRAINT {name} EXCLUDE USING gist "
        f"(int8range({key}, {key}, '[]') WITH &&, "
        f"tstzrange(blocks_from, blocks_until, '[)') WITH &&) WHERE ({where})"
    )


def downgrade() -> None:
    op.execute(f"DROP TRIGGER IF EXISTS tr_contact_ledger_blocked ON {SCHEMA}.contact_ledger")
    op.execute(f"DROP FUNCTION IF EXISTS {SCHEMA}.refuse_blocked_outreach()")
    for table in (
        "contact_ledger",
        "cooling_periods",
        "response_outcomes",
        "responses",
        "email_requests",
        "emails",
        "outreach_requests",
        "therapists",
    ):
        op.drop_table(table, schema=SCHEMA)
