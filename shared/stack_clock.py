"""The stack clock's row in a service schema: read it, move it forward only, clear it.

Each service keeps its own copy (`<schema>.stack_clock`, one row, id 1); `PUT /api/clock`
writes all six, and every process reads its own through `shared.clock.StackClock`.
`updated_at` is the real time of the change (the database's), never the simulated one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, Table, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert

ROW_ID = 1


class StackClockTable:
    """`StackClockStore` on `<schema>.stack_clock`, each call its own short transaction."""

    def __init__(self, engine: Engine, table: Table) -> None:
        self._engine = engine
        self._table = table

    def read(self) -> datetime | None:
        t = self._table
        with self._engine.connect() as conn:
            value = conn.execute(select(t.c.simulated_now).where(t.c.id == ROW_ID)).scalar()
        return value if isinstance(value, datetime) else None

    def advance(self, when: datetime) -> bool:
        """Set `when` unless a later instant is set: the check is part of the UPDATE, so two
        writers at once never move the clock back. False when refused."""
        t = self._table
        with self._engine.begin() as conn:
            self._ensure_row(conn)
            moved = conn.execute(
                update(t)
                .where(t.c.id == ROW_ID)
                .where(or_(t.c.simulated_now.is_(None), t.c.simulated_now <= when))
                .values(simulated_now=when, updated_at=func.now())
                .returning(t.c.id)
            ).first()
        return moved is not None

    def clear(self) -> None:
        t = self._table
        with self._engine.begin() as conn:
            self._ensure_row(conn)
            conn.execute(
                update(t).where(t.c.id == ROW_ID).values(simulated_now=None, updated_at=func.now())
            )

    def _ensure_row(self, conn: Connection) -> None:
        conn.execute(insert(self._table).values(id=ROW_ID).on_conflict_do_nothing())
