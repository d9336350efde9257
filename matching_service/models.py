"""SQLAlchemy tables of the matching service (schema `matching_service`)."""

from __future__ import annotations

from sqlalchemy import MetaData

from shared.db import infrastructure_tables

SCHEMA = "matching_service"
metadata = MetaData(schema=SCHEMA)
infrastructure = infrastructure_tables(metadata)
