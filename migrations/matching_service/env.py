"""Alembic environment of the `matching_service` schema."""

from migrations.env_common import run_migrations

run_migrations("matching_service")
