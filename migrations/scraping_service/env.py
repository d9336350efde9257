"""Alembic environment of the `scraping_service` schema."""

from migrations.env_common import run_migrations

run_migrations("scraping_service")
