"""Named switches an admin sets (the live import's stop switch)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from scraping_service.domain.live import Switch
from scraping_service.models import switches


class Switches:
    """Switch rows by name, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def is_on(self, name: str) -> bool:
        return bool(
            self._session.execute(
                select(switches.c.enabled).where(switches.c.name == name)
            ).scalar_one_or_none()
        )

    def set(
        self, name: str, enabled: bool, reason: str | None, by: str | None, now: datetime
    ) -> None:
        """Turn a switch on or off, with why, by whom and when."""
        values = {"enabled": enabled, "reason": reason, "changed_by": by, "changed_at": now}
        self._session.execute(
            pg_insert(switches)
            .values(name=name, **values)
            .on_conflict_do_update(index_elements=["name"], set_=values)
        )

    def get(self, name: str) -> Switch | None:
        row = self._session.execute(select(switches).where(switches.c.name == name)).first()
        return Switch(**row._mapping) if row is not None else None
