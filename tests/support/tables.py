"""Emptying a service's own domain tables between tests (jobs see every row of their schema)."""

from __future__ import annotations

from sqlalchemy import MetaData, text
from sqlalchemy.engine import Engine

from shared.audit import AUDIT_TABLE
from shared.db import domain_table_names


def empty_domain_tables(engine: Engine, metadata: MetaData) -> None:
    """TRUNCATE every domain table (audit entries cannot be removed at all)."""
    names = ", ".join(domain_table_names(metadata, {AUDIT_TABLE}))
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
