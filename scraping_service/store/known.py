"""Known state per external id: what earlier runs saw, and a run's change set applied to it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from scraping_service.domain.changes import ChangeSet, Known, Seen
from scraping_service.models import known_therapists

CHUNK = 5000
TRACKING_LOCK = 6_116_117  # one run at a time changes the known state (transaction lock)
known = known_therapists.c


class KnownTherapists:
    """The known-therapists table, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def lock(self) -> None:
        """Wait until no other run changes the known state (held until the transaction ends)."""
        self._session.execute(select(func.pg_advisory_xact_lock(TRACKING_LOCK)))

    def load(self, ids: list[str], area: str | None, full_run: bool) -> dict[str, Known]:
        """Known state of the ids seen, plus every present practice of the area on a full run."""
        found: dict[str, Known] = {}
        for start in range(0, max(len(ids), 1), CHUNK):
            where = known.external_id.in_(ids[start : start + CHUNK])
            if full_run and start == 0:
                where = or_(where, (known.area == area) & known.disappeared_at.is_(None))
            for row in self._session.execute(select(known_therapists).where(where)):
                found[row.external_id] = Known(
                    row.external_id,
                    row.record_hash,
                    row.record,
                    row.area,
                    row.missed_runs,
                    row.disappeared_at is not None,
                    row.last_seen_at,
                )
        return found

    def save(
        self,
        run_id: int,
        area: str | None,
        seen: Iterable[Seen],
        changes: ChangeSet,
        rejected_ids: set[str],
        now: datetime,
    ) -> None:
        """Seen → present again; misses counted; disappearances; rejected sightings: no miss."""
        self._upsert_seen(run_id, area, list(seen), now)
        if changes.missed:
            self._session.execute(
                update(known_therapists)
                .where(known.external_id == bindparam("eid"))
                .values(missed_runs=bindparam("missed")),
                [{"eid": eid, "missed": missed} for eid, missed in changes.missed.items()],
            )
        if changes.disappeared:
            self._session.execute(
                update(known_therapists)
                .where(known.external_id == bindparam("eid"))
                .values(
                    missed_runs=bindparam("missed"), disappeared_at=now, disappeared_run_id=run_id
                ),
                [
                    {"eid": gone.external_id, "missed": gone.missed_runs}
                    for gone in changes.disappeared
                ],
            )
        if rejected_ids:
            self._session.execute(
                update(known_therapists)
                .where(known.external_id.in_(sorted(rejected_ids)), known.disappeared_at.is_(None))
                .values(missed_runs=0)
            )

    def _upsert_seen(self, run_id: int, area: str | None, seen: list[Seen], now: datetime) -> None:
        if not seen:
            return
        statement = pg_insert(known_therapists)
        statement = statement.on_conflict_do_update(
            index_elements=[known.external_id],
            set_={
                "record_hash": statement.excluded.record_hash,
                "record": statement.excluded.record,
                "area": statement.excluded.area,
                "last_seen_run_id": statement.excluded.last_seen_run_id,
                "last_seen_at": statement.excluded.last_seen_at,
                "missed_runs": 0,
                "disappeared_at": None,
                "disappeared_run_id": None,
            },
        )
        for start in range(0, len(seen), CHUNK):
            self._session.execute(
                statement,
                [
                    {
                        "external_id": item.external_id,
                        "record_hash": item.record_hash,
                        "record": item.record,
                        "area": area,
                        "first_seen_run_id": run_id,
                        "last_seen_run_id": run_id,
                        "last_seen_at": now,
                        "missed_runs": 0,
                    }
                    for item in seen[start : start + CHUNK]
                ],
            )
