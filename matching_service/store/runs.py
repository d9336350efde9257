"""Matching runs: one row per fill, with what it considered and created."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from matching_service import models

RUNS = models.matching_runs


class RunStore:
    """The `matching_runs` table inside the unit of work's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def start(self, trigger: str, now: datetime) -> int:
        """A new run (its trigger cut to the column's 60 characters); its id."""
        query = insert(RUNS).values(trigger=trigger[:60], started_at=now).returning(RUNS.c.id)
        return int(self.session.execute(query).scalar_one())

    def finish(self, run_id: int, now: datetime, considered: int, created: int) -> None:
        self.session.execute(
            update(RUNS)
            .where(RUNS.c.id == run_id)
            .values(finished_at=now, patients_considered=considered, requests_created=created)
        )
