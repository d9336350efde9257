"""Readiness checks of a service: database, schema at the migration head, broker."""

from __future__ import annotations

from shared.context import ServiceContext
from shared.db import ping
from shared.kafka.health import BrokerProbe
from shared.migrations_check import current_revision, expected_head


class HealthChecks:
    """Readiness: database answers, schema at the migration head, broker answers."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._broker = BrokerProbe(ctx.settings.kafka_bootstrap_servers)
        self._head = expected_head(ctx.settings.service_name)
        self._at_head = False

    def report(self) -> dict[str, str]:
        return {
            "database": self._database(),
            "migrations": self._migrations(),
            "broker": "ok" if self._broker.reachable() else "unreachable",
        }

    def _database(self) -> str:
        try:
            ping(self._ctx.engine)
            return "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            return f"unavailable ({type(exc).__name__})"

    def _migrations(self) -> str:
        if not self._at_head:
            try:
                revision = current_revision(self._ctx.engine, self._ctx.settings.db_schema)
            except Exception:  # noqa: BLE001
                return "unknown (database unavailable)"
            self._at_head = revision == self._head
            if not self._at_head:
                return f"behind (at {revision}, head {self._head})"
        return "ok"
