"""Emptying a service's own domain tables between tests (jobs see every row of their schema)."""

from __future__ import annotations

from sqlalchemy import MetaData, text
from sqlalchemy.engine import Engine

from shared.audit import AUDIT_TABLE
from shared.db import infrastructure_tables

# Infrastructure rows belong to the event plumbing; audit entries cannot be removed at all.
KEPT = {*infrastructure_tables(MetaData()), AUDIT_TABLE}


def domain_tables(metadata: MetaData) -> list[str]:
    """Qualified names of a service's domain tables (its models' metadata)."""
    return [t.fullname for t in metadata.sorted_tables if t.name not in KEPT]


def empty_domain_tables(engine: Engine, metadata: MetaData) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(f"TRUNCATE {', '.join(domain_tables(metadata))} RESTART IDENTITY CASCADE")
        )
