"""SQLAlchemy tables of the scraping service (schema `scraping_service`)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from shared.audit import audit_entries_table
from shared.db import infrastructure_tables

SCHEMA = "scraping_service"
TS = DateTime(timezone=True)
COUNTS = ("new", "changed", "unchanged", "disappeared", "rejected", "duplicates", "records")

metadata = MetaData(schema=SCHEMA)
infrastructure = infrastructure_tables(metadata)
audit_entries = audit_entries_table(metadata)


def _count(name: str) -> Column:
    return Column(f"count_{name}", Integer, nullable=False, server_default="0")


import_runs = Table(
    "import_runs",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source", String(20), nullable=False),
    Column("area", String(200), nullable=True),
    Column("full_run", Boolean, nullable=False, server_default=false()),
    Column("status", String(20), nullable=False),
    Column("requested_by", String(200), nullable=True),
    Column("file_name", String(500), nullable=True),
    *[_count(n) for n in COUNTS],
    _count("warnings"),
    Column("details", JSONB, nullable=True),
    Column("error", String(2000), nullable=True),
    Column("created_at", TS, nullable=False, server_default=func.now()),
    Column("started_at", TS, nullable=True),
    Column("finished_at", TS, nullable=True),
)

raw_responses = Table(
    "raw_responses",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "run_id",
        BigInteger,
        ForeignKey(f"{SCHEMA}.import_runs.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("seq", Integer, nullable=False),
    Column("label", String(500), nullable=True),
    Column("payload_gzip", LargeBinary, nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("received_at", TS, nullable=False),
)

known_therapists = Table(
    "known_therapists",
    metadata,
    Column("external_id", String(100), primary_key=True),
    Column("record_hash", String(64), nullable=False),
    Column("record", JSONB, nullable=False),
    Column("area", String(200), nullable=True),
    Column("first_seen_run_id", BigInteger, nullable=False),
    Column("last_seen_run_id", BigInteger, nullable=False),
    Column("last_seen_at", TS, nullable=False),
    Column("missed_runs", Integer, nullable=False, server_default="0"),
    Column("disappeared_at", TS, nullable=True),
    Column("disappeared_run_id", BigInteger, nullable=True),
)

rejected_records = Table(
    "rejected_records",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "run_id",
        BigInteger,
        ForeignKey(f"{SCHEMA}.import_runs.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("external_id", String(100), nullable=True),
    Column("position", String(100), nullable=False),
    Column("reasons", JSONB, nullable=False),
    Column("item", JSONB, nullable=True),
)

folder_files = Table(
    "folder_files",
    metadata,
    Column("path", String(1000), primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("size_bytes", BigInteger, nullable=False),
    Column(
        "run_id",
        BigInteger,
        ForeignKey(f"{SCHEMA}.import_runs.id", ondelete="SET NULL"),
        nullable=True,
    ),
    Column("error", String(2000), nullable=True),
    Column("picked_at", TS, nullable=False),
)

switches = Table(
    "switches",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("enabled", Boolean, nullable=False),
    Column("reason", String(500), nullable=True),
    Column("changed_by", String(200), nullable=True),
    Column("changed_at", TS, nullable=False),
)
