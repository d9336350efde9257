"""SQLAlchemy tables of the geocoding service (schema `geocoding_service`)."""

from __future__ import annotations

from sqlalchemy import MetaData

from shared.db import infrastructure_tables

SCHEMA = "geocoding_service"
metadata = MetaData(schema=SCHEMA)
infrastructure = infrastructure_tables(metadata)
