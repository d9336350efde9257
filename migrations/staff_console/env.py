"""Alembic environment of the `staff_console` schema (the console's accounts and login audit)."""

from migrations.env_common import run_migrations

run_migrations("staff_console")
