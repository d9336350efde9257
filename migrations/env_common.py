"""Shared Alembic environment: the version table lives in the service's own schema."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import create_engine, pool

from shared.config import default_database_url


def database_url(service: str) -> str:
    """URL given by the caller (scripts/stack.py), else MIGRATION_DATABASE_URL, else dev default."""
    given = context.config.attributes.get("url") or os.environ.get("MIGRATION_DATABASE_URL")
    if given:
        return given
    host = os.environ.get("DB_HOST", "127.0.0.1")
    port = int(os.environ.get("DB_DIRECT_PORT", "5432"))
    return default_database_url(service, host, port, os.environ.get("DB_NAME", "psymatch"))


def run_migrations(service: str) -> None:
    """Online migrations only (offline SQL generation is not used here)."""
    engine = create_engine(database_url(service), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            version_table_schema=service,
            include_schemas=False,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
