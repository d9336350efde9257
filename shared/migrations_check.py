"""Is the service's schema at the newest Alembic revision? (for `/ready`)"""

from __future__ import annotations

import os
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, column, select, table, text


def migrations_root() -> Path:
    """`migrations/` of the checkout (or MIGRATIONS_DIR, for installed images)."""
    if os.environ.get("MIGRATIONS_DIR"):
        return Path(os.environ["MIGRATIONS_DIR"])
    beside = Path(__file__).resolve().parents[1] / "migrations"
    return beside if beside.is_dir() else Path.cwd() / "migrations"


def expected_head(service: str) -> str | None:
    """The head revision of the service's migration tree."""
    return ScriptDirectory(str(migrations_root() / service)).get_current_head()


def current_revision(engine: Engine, schema: str) -> str | None:
    """The revision recorded in `<schema>.alembic_version`, or None before the first migration."""
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT to_regclass(:t)"), {"t": f"{schema}.alembic_version"})
        if exists.scalar() is None:
            return None
        version = table("alembic_version", column("version_num"), schema=schema)
        return conn.execute(select(version.c.version_num)).scalar()
