"""SQLAlchemy tables of the patient service (schema `patient_service`)."""

from __future__ import annotations

from sqlalchemy import MetaData

from shared.db import infrastructure_tables

SCHEMA = "patient_service"
metadata = MetaData(schema=SCHEMA)
infrastructure = infrastructure_tables(metadata)
