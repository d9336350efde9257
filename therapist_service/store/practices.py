"""Practice deduplication: therapists sharing a practice e-mail or phone get one practice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from therapist_service.domain.practices import practice_keys
from therapist_service.models import practice_keys as keys_table
from therapist_service.models import practices, therapists


class Practices:
    """`practices` and `practice_keys`: find, create or merge the practice of contact data."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._moved: set[int] = set()

    def take_moved(self) -> list[int]:
        """The therapists whose practice a merge changed since the last call (then forgotten):
        each needs a therapist.updated, so consumers never key on the merged-away practice."""
        moved, self._moved = sorted(self._moved), set()
        return moved

    def resolve(self, email: str | None, phone: str | None, now: datetime) -> int | None:
        """The practice for this contact data (created at `now` or merged as needed); None
        without any."""
        keys = practice_keys(email, phone)
        if not keys:
            return None
        found = (
            self._session.execute(
                select(keys_table.c.practice_id).where(keys_table.c.key.in_(sorted(keys)))
            )
            .scalars()
            .all()
        )
        if not found:
            target = self._session.execute(
                insert(practices).values(created_at=now).returning(practices.c.id)
            ).scalar_one()
        else:
            target = min(found)
            self._merge(target, set(found) - {target})
        self._session.execute(
            pg_insert(keys_table)
            .values([{"key": key, "practice_id": target} for key in sorted(keys)])
            .on_conflict_do_nothing()
        )
        return target

    def _merge(self, target: int, others: set[int]) -> None:
        """Fold practices that turned out to be the same one into `target`."""
        if not others:
            return
        moved = self._session.execute(
            update(therapists)
            .where(therapists.c.practice_id.in_(others))
            .values(practice_id=target)
            .returning(therapists.c.id)
        )
        self._moved.update(moved.scalars())
        self._session.execute(
            update(keys_table)
            .where(keys_table.c.practice_id.in_(others))
            .values(practice_id=target)
        )
