"""SQLAlchemy tables of the therapist service (schema `therapist_service`)."""

from __future__ import annotations

from sqlalchemy import MetaData

from shared.db import infrastructure_tables

SCHEMA = "therapist_service"
metadata = MetaData(schema=SCHEMA)
infrastructure = infrastructure_tables(metadata)
