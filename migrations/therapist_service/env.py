"""Alembic environment of the `therapist_service` schema."""

from migrations.env_common import run_migrations

run_migrations("therapist_service")
