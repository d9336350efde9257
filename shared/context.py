"""What a service's use cases, resources and jobs receive, built once per process.

Each service subclasses `ServiceContext` in its own `context.py` with typed fields for its
settings, rules and clients (no untyped extras). Only `app.py` / `worker.py` build contexts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Engine, MetaData, Table
from sqlalchemy.orm import Session, sessionmaker

from shared.clock import Clock, OverridableClock
from shared.config import BaseServiceSettings
from shared.db import make_engine, make_session_factory
from shared.events.topics import TOPICS
from shared.jobs import JobRegistry
from shared.outbox import OutboxWriter


@dataclass(kw_only=True)
class ServiceContext:
    """The parts every service has: settings, database, tables, clock, outbox, jobs."""

    settings: BaseServiceSettings
    engine: Engine
    session_factory: sessionmaker[Session]
    tables: dict[str, Table]
    clock: OverridableClock
    outbox: OutboxWriter
    jobs: JobRegistry = field(default_factory=JobRegistry)


Context = TypeVar("Context", bound=ServiceContext)


def build_context(
    kind: type[Context],
    settings: BaseServiceSettings,
    metadata: MetaData,
    clock: Clock | None = None,
    **dependencies: Any,
) -> Context:
    """Engine (through PgBouncer), sessions, tables by name, clock, outbox writer, plus the
    service's own typed `dependencies` (clients, rules) as fields of `kind`."""
    engine = make_engine(settings.db_url(), settings.db_pool_size, settings.service_name)
    tables = {table.name: table for table in metadata.tables.values()}
    topic = settings.topic(TOPICS[settings.service_name])
    return kind(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        tables=tables,
        clock=OverridableClock(clock),
        outbox=OutboxWriter(tables["outbox"], settings.service_name, topic),
        **dependencies,
    )
