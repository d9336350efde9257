"""SQLAlchemy tables of the communication service (schema `communication_service`; DDL in
migrations/communication_service, including the ledger's exclusion constraints and trigger)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB

from shared.audit import audit_entries_table
from shared.db import infrastructure_tables

SCHEMA = "communication_service"
metadata = MetaData(schema=SCHEMA)
infrastructure = infrastructure_tables(metadata)
audit_entries = audit_entries_table(metadata)


def _ts(name: str, **kwargs: object) -> Column:
    return Column(name, DateTime(timezone=True), **kwargs)


therapists = Table(
    "therapists",
    metadata,
    Column("therapist_id", BigInteger, primary_key=True, autoincrement=False),
    Column("practice_id", BigInteger),
    Column("status", String(10), nullable=False),
    Column("opted_out", Boolean, nullable=False),
    Column("has_email", Boolean, nullable=False),
    Column("has_phone", Boolean, nullable=False, server_default="true"),
    Column("preferred_channel", String(10), nullable=False),
    Column("phone_hours", JSONB, nullable=False),
    Column("postal_code", String(10)),  # the practice's: its Bundesland's holidays get no calls
    _ts("profile_at", nullable=False),
    _ts("updated_at", nullable=False),
)

outreach_requests = Table(
    "outreach_requests",
    metadata,
    Column("placement_request_id", BigInteger, primary_key=True, autoincrement=False),
    Column("patient_id", BigInteger, nullable=False),
    Column("therapist_id", BigInteger, nullable=False),
    Column("run_id", BigInteger),
    Column("state", String(20), nullable=False),
    Column("urgent", Boolean, nullable=False),
    _ts("search_started_at"),
    Column("summary", JSONB, nullable=False),
    Column("distance_km", Float),
    _ts("created_at", nullable=False),
    _ts("state_changed_at", nullable=False),
    Column("close_reason", String(40)),
)

# A withdrawal that arrived before its request: the later creation stores the request closed.
request_tombstones = Table(
    "request_tombstones",
    metadata,
    Column("placement_request_id", BigInteger, primary_key=True, autoincrement=False),
    Column("state", String(20), nullable=False),
    Column("reason", String(40)),
    _ts("withdrawn_at", nullable=False),
)

emails = Table(
    "emails",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("purpose", String(20), nullable=False),
    Column("template", String(60), nullable=False),
    Column("recipient", String(10), nullable=False),
    Column("therapist_id", BigInteger),
    Column("patient_id", BigInteger),
    Column("state", String(10), nullable=False),
    Column("context", JSONB, nullable=False),
    Column("to_address", String(254)),
    Column("subject", String(300)),
    Column("body_text", Text),
    Column("body_html", Text),
    Column("message_id", String(250), unique=True),
    Column("attempts", Integer, nullable=False, default=0),
    _ts("next_attempt_at"),
    Column("last_error", String(1000)),
    Column("delivery_confirmed", Boolean),
    _ts("created_at", nullable=False),
    _ts("queued_at"),
    _ts("sending_since"),
    _ts("sent_at"),
    _ts("failed_at"),
    _ts("cancelled_at"),
    _ts("updated_at", nullable=False),
)

email_requests = Table(
    "email_requests",
    metadata,
    Column("email_id", BigInteger, ForeignKey(f"{SCHEMA}.emails.id"), primary_key=True),
    Column(
        "placement_request_id",
        BigInteger,
        ForeignKey(f"{SCHEMA}.outreach_requests.placement_request_id"),
        primary_key=True,
    ),
    Column("purpose", String(20), nullable=False),
    Column("position", SmallInteger, nullable=False),
)

responses = Table(
    "responses",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("therapist_id", BigInteger, nullable=False),
    Column("channel", String(10), nullable=False),
    Column("note", String(2000)),
    Column("recorded_by", String(200), nullable=False),
    _ts("recorded_at", nullable=False),
)

response_outcomes = Table(
    "response_outcomes",
    metadata,
    Column("response_id", BigInteger, ForeignKey(f"{SCHEMA}.responses.id"), primary_key=True),
    Column(
        "placement_request_id",
        BigInteger,
        ForeignKey(f"{SCHEMA}.outreach_requests.placement_request_id"),
        primary_key=True,
    ),
    Column("patient_id", BigInteger, nullable=False),
    Column("outcome", String(30), nullable=False),
)

cooling_periods = Table(
    "cooling_periods",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("therapist_id", BigInteger, nullable=False),
    Column("response_id", BigInteger, nullable=False, unique=True),
    _ts("starts_at", nullable=False),
    _ts("ends_at", nullable=False),
    _ts("lifted_at"),
    Column("lifted_by", String(200)),
)

contact_ledger = Table(
    "contact_ledger",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("therapist_id", BigInteger, nullable=False),
    Column("practice_id", BigInteger),
    Column("limit_practice_id", BigInteger),
    Column("channel", String(10), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("email_id", BigInteger, ForeignKey(f"{SCHEMA}.emails.id")),
    Column("call_id", BigInteger, ForeignKey(f"{SCHEMA}.calls.id")),
    Column("response_id", BigInteger, ForeignKey(f"{SCHEMA}.responses.id")),
    _ts("blocks_from"),
    _ts("blocks_until"),
    _ts("occurred_at"),
    _ts("voided_at"),
    _ts("created_at", nullable=False),
)

calls = Table(
    "calls",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("therapist_id", BigInteger, nullable=False),
    Column("purpose", String(20), nullable=False),
    Column("email_id", BigInteger, ForeignKey(f"{SCHEMA}.emails.id")),
    Column("state", String(10), nullable=False),
    Column("attempt", SmallInteger, nullable=False, default=1),
    _ts("slot_start"),
    Column("flagged_for_staff", Boolean, nullable=False, default=False),
    Column("flag_reason", String(40)),
    Column("note", String(2000)),
    Column("response_id", BigInteger, ForeignKey(f"{SCHEMA}.responses.id")),
    Column("closed_reason", String(60)),
    _ts("created_at", nullable=False),
    _ts("updated_at", nullable=False),
    _ts("completed_at"),
    _ts("failed_at"),
    _ts("cancelled_at"),
)

call_requests = Table(
    "call_requests",
    metadata,
    Column("call_id", BigInteger, ForeignKey(f"{SCHEMA}.calls.id"), primary_key=True),
    Column(
        "placement_request_id",
        BigInteger,
        ForeignKey(f"{SCHEMA}.outreach_requests.placement_request_id"),
        primary_key=True,
    ),
    Column("position", SmallInteger, nullable=False),
)

# One live (not cancelled) call per followed-up e-mail: a follow-up cancelled by a block or a
# cooling period may be booked again.
Index(
    "uq_calls_email",
    calls.c.email_id,
    unique=True,
    postgresql_where=calls.c.state != "cancelled",
)

patient_statuses = Table(  # the patient's status, from patient and placement events
    "patient_statuses",
    metadata,
    Column("patient_id", BigInteger, primary_key=True, autoincrement=False),
    Column("status", String(20), nullable=False),
    _ts("status_at", nullable=False),
)

attention_items = Table(  # what staff must look at (GET /api/attention lists the open ones)
    "attention_items",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("reason", String(40), nullable=False),
    Column("therapist_id", BigInteger),
    Column("patient_id", BigInteger),
    Column("placement_request_id", BigInteger),
    Column("response_id", BigInteger),
    Column("email_id", BigInteger),
    _ts("created_at", nullable=False),
    _ts("resolved_at"),
    Column("resolved_by", String(200)),
)
