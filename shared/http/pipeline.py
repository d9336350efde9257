"""`GET /api/pipeline`: has this service caught up (outbox published, consumer group at the end)?

A driver or an operator polls it on every service until each answers `settled: true`. The
backlog and the last applied event come from the service's own tables, the lag from the broker
(the group and topics of its worker: `BaseServiceSettings.consumer_group`/`consumed_topics`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask_restful import Resource
from pydantic import BaseModel, Field
from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from shared.context import ServiceContext
from shared.http.errors import ApiError
from shared.http.operations import operation
from shared.kafka.lag import ConsumerLag, LagUnavailable, consumer_lag
from shared.outbox import unpublished_count
from shared.pipeline import pipeline_report


class PipelineState(BaseModel):
    service: str
    outbox_backlog: int = Field(description="Outbox rows not yet published")
    consumer_group: str | None = Field(description="The worker's consumer group; null: none")
    lag: dict[str, int] = Field(description="Messages behind per consumed topic")
    last_event_applied_at: datetime | None = Field(
        description="When the last consumed event was applied; null: none yet"
    )
    settled: bool = Field(description="Backlog 0 and every topic's lag 0")


class Pipeline:
    """What the route reads, built once per app: the context and one lag reader."""

    def __init__(self, ctx: ServiceContext, lag: ConsumerLag | None = None) -> None:
        self._ctx = ctx
        self._lag = lag or consumer_lag(ctx.settings.kafka_bootstrap_servers)

    def report(self) -> dict[str, Any]:
        settings = self._ctx.settings
        with self._ctx.session_factory() as session:
            backlog = unpublished_count(session, self._ctx.tables["outbox"])
            last_applied = last_applied_at(session, self._ctx.tables.get("processed_events"))
        topics = settings.consumed_topics
        group = settings.consumer_group if topics else None
        lag: dict[str, int] = {}
        if group is not None:
            try:
                lag = dict(self._lag.read(group, topics))
            except LagUnavailable as exc:
                raise ApiError(
                    503,
                    "Broker unreachable: the consumer lag is unknown.",
                    "broker_unavailable",
                    {"outbox_backlog": backlog, "consumer_group": group, "reason": str(exc)},
                ) from exc
        return pipeline_report(settings.service_name, backlog, group, lag, last_applied)


def last_applied_at(session: Session, table: Table | None) -> datetime | None:
    """When the service's consumer last applied an event (processed_events), if ever."""
    if table is None:
        return None
    return session.execute(select(func.max(table.c.processed_at))).scalar_one()


class PipelineResource(Resource):
    @operation(
        "Has this service caught up: outbox backlog, consumer lag per topic, last event applied",
        roles=("admin", "service"),
        tags=("ops",),
        responses={
            200: ("The pipeline's state; settled when backlog and every lag are 0", PipelineState),
            503: ("Broker or database unreachable", None),
        },
    )
    def get(self) -> Any:
        return current_app.extensions["pipeline"].report()
