"""Alembic environment of the `patient_service` schema."""

from migrations.env_common import run_migrations

run_migrations("patient_service")
