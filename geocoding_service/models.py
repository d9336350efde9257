"""SQLAlchemy tables of the geocoding service (schema `geocoding_service`)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Float, Index, MetaData, String, Table, func

from shared.audit import audit_entries_table
from shared.db import infrastructure_tables

SCHEMA = "geocoding_service"
metadata = MetaData(schema=SCHEMA)
infrastructure = infrastructure_tables(metadata)
audit_entries = audit_entries_table(metadata)

# Normalised query -> result. status "found" carries coordinates; "not_found" is a negative entry.
geocode_cache = Table(
    "geocode_cache",
    metadata,
    Column("query_key", String(600), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("precision", String(20), nullable=True),
    Column("source", String(40), nullable=True),
    Column("postal_code", String(5), nullable=True),
    Column("hit_count", BigInteger, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("refreshed_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("last_hit_at", DateTime(timezone=True), nullable=True),
    Index("ix_geocode_cache_expires_at", "expires_at"),
)

# Subject (patient) -> the cache keys looked up for it: Art. 17 erasure deletes those entries
# on patient.erased without the address ever travelling in an event.
cache_subjects = Table(
    "cache_subjects",
    metadata,
    Column("subject_type", String(20), primary_key=True),
    Column("subject_id", BigInteger, primary_key=True),
    Column("query_key", String(600), primary_key=True),
    Column("linked_at", DateTime(timezone=True), nullable=False),
    Index("ix_cache_subjects_query_key", "query_key"),
)
