"""Builds a service's context once per process (called only from app.py / worker.py)."""

from __future__ import annotations

from sqlalchemy import MetaData

from shared.clock import Clock, OverridableClock
from shared.config import BaseServiceSettings
from shared.db import make_engine, make_session_factory
from shared.events.topics import TOPICS
from shared.http.app_factory import ServiceContext
from shared.jobs import JobRegistry
from shared.outbox import OutboxWriter


def build_context(
    settings: BaseServiceSettings,
    metadata: MetaData,
    clock: Clock | None = None,
    jobs: JobRegistry | None = None,
) -> ServiceContext:
    """Engine (through PgBouncer), sessions, tables by name, clock, outbox writer, jobs."""
    engine = make_engine(settings.db_url(), settings.db_pool_size, settings.service_name)
    tables = {table.name: table for table in metadata.tables.values()}
    topic = settings.topic(TOPICS[settings.service_name])
    return ServiceContext(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        tables=tables,
        clock=OverridableClock(clock),
        outbox=OutboxWriter(tables["outbox"], settings.service_name, topic),
        jobs=jobs or JobRegistry(),
    )
