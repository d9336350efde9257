"""The worker's in-memory therapist index, kept current from the read model's change feed.

Every insert or update of `matching_service.therapists` stamps the row with the writing
transaction's id (`change_xid`, migration 0003). A refresh re-reads only the rows stamped by
transactions that were still running at the previous refresh (id ≥ that snapshot's xmin), plus
rows this process saw uncommitted (they may have been rolled back). So a fill sees what a fresh
read of the table would see, without reading thousands of rows per event. A full reload happens
on first use and after `max_age_s` as a safety net.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from matching_service.domain.index import TherapistIndex
from matching_service.domain.profiles import TherapistProfile
from matching_service.domain.windows import freeze_windows
from matching_service.store.profiles import offers_of

_ALL = (
    "SELECT therapist_id, has_profile, gender, latitude, longitude, offers::text, "
    "languages::text, consultation_hours::text, patient_genders::text, statutory_licence, "
    "barrier_free, accepting_new_patients, capacity_as_of, age_min, age_max, prefers_group, "
    "status, opted_out, cooling_until, requests_contacted, requests_answered, change_xid::text "
    "FROM matching_service.therapists"
)
_CHANGED = _ALL + " WHERE change_xid >= CAST(:xmin AS xid8) OR therapist_id = ANY(:ids)"
_SNAPSHOT = (
    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text, pg_current_xact_id_if_assigned()::text"
)


class TherapistCache:
    """One process's therapist index; hold `lock` while refreshing and searching it."""

    def __init__(self, max_age_s: float = 600.0) -> None:
        self.max_age_s = max_age_s
        self.lock = threading.RLock()
        self.index: TherapistIndex | None = None
        self._xmin = "0"
        self._loaded_at = 0.0
        self._tentative: set[int] = set()
        self._parsed: dict[str, Any] = {}

    def clear(self) -> None:
        """Forget everything (the next use reloads the whole table)."""
        with self.lock:
            self.index = None

    def refresh(self, session: Session) -> TherapistIndex:
        """Bring the index up to what this transaction can see."""
        xmin, own = session.execute(text(_SNAPSHOT)).one()
        if self.index is None or time.monotonic() - self._loaded_at > self.max_age_s:
            rows = session.execute(text(_ALL)).all()
            self.index = TherapistIndex([self._profile(row) for row in rows])
            self._loaded_at = time.monotonic()
        else:
            rows = session.execute(
                text(_CHANGED), {"xmin": self._xmin, "ids": list(self._tentative)}
            ).all()
            seen = {row[0] for row in rows}
            for row in rows:
                self.index.update(self._profile(row))
            for gone in self._tentative - seen:  # inserted by a transaction that rolled back
                self.index.update(TherapistProfile(gone, None, None, status="unknown"))
        self._xmin = xmin
        self._tentative = {row[0] for row in rows if own is not None and row[-1] == own}
        return self.index

    def _profile(self, row: Any) -> TherapistProfile:
        """A row of `_ALL` as the domain sees it (JSON texts parsed once per distinct value)."""
        return TherapistProfile(
            therapist_id=row[0],
            latitude=row[3],
            longitude=row[4],
            gender=row[2],
            offers=self._json(row[5], offers_of),
            languages=self._json(row[6], frozenset),
            consultation_hours=self._json(row[7], freeze_windows),
            patient_genders=self._json(row[8], frozenset),
            statutory_licence=row[9],
            barrier_free=row[10],
            accepting_new_patients=row[11],
            capacity_as_of=row[12],
            age_min=row[13],
            age_max=row[14],
            prefers_group=row[15],
            status=row[16] if row[1] else "unknown",
            opted_out=row[17],
            cooling_until=row[18],
            requests_contacted=row[19],
            requests_answered=row[20],
        )

    def _json(self, raw: str, convert: Callable[[Any], Any]) -> Any:
        key = f"{id(convert)}:{raw}"
        found = self._parsed.get(key)
        if found is None:
            if len(self._parsed) > 200_000:
                self._parsed.clear()
            found = self._parsed[key] = convert(json.loads(raw))
        return found
