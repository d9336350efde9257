"""Alembic environment of the `communication_service` schema."""

from migrations.env_common import run_migrations

run_migrations("communication_service")
