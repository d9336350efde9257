"""Cache entries looked up for a subject (a patient), and their deletion on erasure (Art. 17).

The patient service passes the patient id with each lookup; the cache key (which holds the
normalised street address) is linked to it here, so erasure needs only the id in the event.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from geocoding_service.models import cache_subjects, geocode_cache


class CacheSubjects:
    """Links between subjects and the cache keys looked up for them, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def link(self, subject_type: str, subject_id: int, key: str, now: datetime) -> None:
        """Remember that `key` was looked up for this subject (once per pair)."""
        statement = insert(cache_subjects).values(
            subject_type=subject_type, subject_id=subject_id, query_key=key, linked_at=now
        )
        self._session.execute(statement.on_conflict_do_nothing())

    def forget(self, subject_type: str, subject_id: int) -> int:
        """Delete the subject's cache entries and links; returns the cache entries deleted."""
        links = cache_subjects.c
        of_subject = (links.subject_type == subject_type) & (links.subject_id == subject_id)
        keys = list(self._session.execute(select(links.query_key).where(of_subject)).scalars())
        self._session.execute(delete(cache_subjects).where(of_subject))
        if not keys:
            return 0
        result = self._session.execute(
            delete(geocode_cache).where(geocode_cache.c.query_key.in_(keys))
        )
        return int(result.rowcount or 0)
