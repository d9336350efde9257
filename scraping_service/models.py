"""SQLAlchemy tables of the scraping service (schema `scraping_service`)."""

from __future__ import annotations

from sqlalchemy import MetaData

from shared.db import infrastructure_tables

SCHEMA = "scraping_service"
metadata = MetaData(schema=SCHEMA)
infrastructure = infrastructure_tables(metadata)
