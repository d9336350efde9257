"""SQLAlchemy tables of the communication service (schema `communication_service`)."""

from __future__ import annotations

from sqlalchemy import MetaData

from shared.db import infrastructure_tables

SCHEMA = "communication_service"
metadata = MetaData(schema=SCHEMA)
infrastructure = infrastructure_tables(metadata)
