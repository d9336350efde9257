"""What a service's use cases, resources and jobs receive, built once per process.

Each service subclasses `ServiceContext` in its own `context.py` with typed fields for its
settings, rules and clients (no untyped extras). Only `app.py` / `worker.py` build contexts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, MetaData, Table
from sqlalchemy.orm import Session, sessionmaker

from shared.clock import Clock, OverridableClock, StackClock, SystemClock
from shared.config import BaseServiceSettings
from shared.db import make_engine, make_session_factory
from shared.events.topics import TOPICS
from shared.jobs import Job, JobRegistry
from shared.outbox import OutboxWriter, prune_published
from shared.stack_clock import StackClockTable

PRUNE_OUTBOX = "prune-outbox"


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
    context = kind(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        tables=tables,
        clock=OverridableClock(base_clock(settings, engine, tables, clock)),
        outbox=OutboxWriter(tables["outbox"], settings.service_name, topic),
        **dependencies,
    )
    context.jobs.add(
        Job(PRUNE_OUTBOX, lambda now: prune_outbox(context, now), settings.outbox_prune_interval_s)
    )
    return context


def base_clock(
    settings: BaseServiceSettings, engine: Engine, tables: dict[str, Table], clock: Clock | None
) -> Clock:
    """With ALLOW_CLOCK_OVERRIDE the stack clock (the schema's `stack_clock` row over `clock`);
    otherwise `clock` or the system clock, and the row is never read."""
    system = clock or SystemClock()
    if not settings.allow_clock_override:
        return system
    return StackClock(StackClockTable(engine, tables["stack_clock"]), system)


def prune_outbox(context: ServiceContext, now: datetime) -> dict[str, int]:
    """The prune-outbox job: published rows older than OUTBOX_RETENTION_DAYS go (the events
    are on the topic; an erased patient's profile does not stay in the table)."""
    table = context.tables["outbox"]
    with context.session_factory() as session, session.begin():
        deleted = prune_published(session, table, now, context.settings.outbox_retention_days)
    return {"deleted": deleted}
