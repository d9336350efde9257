"""Alembic environment of the `geocoding_service` schema."""

from migrations.env_common import run_migrations

run_migrations("geocoding_service")
