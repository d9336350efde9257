"""The therapist read model (contact preferences from therapist events) and cooling periods."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from communication_service.models import cooling_periods, therapists
from shared.events.therapist import TherapistProfile


class Therapists:
    """What communication knows of each therapist, and the per-therapist row lock."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def apply_profile(self, event: TherapistProfile, at: datetime) -> bool:
        """Upsert the therapist's contact preferences unless a newer profile is stored."""
        values = {
            "therapist_id": event.therapist_id,
            "practice_id": event.practice_id,
            "status": event.status.value,
            "opted_out": event.opted_out,
            "has_email": event.has_email,
            "has_phone": event.has_phone,
            "preferred_channel": event.preferred_channel.value,
            "phone_hours": event.phone_hours,
            "postal_code": event.postal_code,
            "profile_at": at,
            "updated_at": at,
        }
        statement = insert(therapists).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[therapists.c.therapist_id],
            set_={column: statement.excluded[column] for column in values},
            where=therapists.c.profile_at <= statement.excluded.profile_at,
        )
        returned = self._session.execute(statement.returning(therapists.c.therapist_id))
        return returned.first() is not None

    def apply_status(self, therapist_id: int, status: str, at: datetime) -> None:
        """Blocked / unblocked / deactivated (ignored for a therapist not known yet)."""
        self._session.execute(
            update(therapists)
            .where(therapists.c.therapist_id == therapist_id, therapists.c.profile_at <= at)
            .values(status=status, profile_at=at, updated_at=at)
        )

    def lock(self, therapist_id: int) -> Any:
        """Serialises planning and responses per therapist (row lock on the read model)."""
        query = select(therapists).where(therapists.c.therapist_id == therapist_id)
        return self._session.execute(query.with_for_update()).mappings().first()

    def row(self, therapist_id: int) -> Any:
        """The therapist's read model row without a lock (None when unknown)."""
        query = select(therapists).where(therapists.c.therapist_id == therapist_id)
        return self._session.execute(query).mappings().first()

    def practice_of(self, therapist_id: int) -> int | None:
        """The therapist's practice from the read model."""
        query = select(therapists.c.practice_id).where(therapists.c.therapist_id == therapist_id)
        return self._session.execute(query).scalar()


class CoolingPeriods:
    """No outreach of any kind while a therapist's cooling period runs."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def store(
        self, therapist_id: int, response_id: int, starts_at: datetime, ends_at: datetime
    ) -> bool:
        """A cooling period (once per response id); True when it is new."""
        statement = insert(cooling_periods).values(
            therapist_id=therapist_id, response_id=response_id, starts_at=starts_at, ends_at=ends_at
        )
        returning = statement.on_conflict_do_nothing().returning(cooling_periods.c.id)
        return self._session.execute(returning).first() is not None

    def lift(self, therapist_id: int, at: datetime, by: str) -> int:
        """Staff lifted the periods running at `at`; how many were lifted."""
        periods = cooling_periods.c
        lifted = self._session.execute(
            update(cooling_periods)
            .where(
                periods.therapist_id == therapist_id,
                periods.lifted_at.is_(None),
                periods.starts_at <= at,
                periods.ends_at > at,
            )
            .values(lifted_at=at, lifted_by=by)
            .returning(periods.id)
        )
        return len(lifted.all())

    def cooling_at(self, therapist_ids: list[int], now: datetime) -> set[int]:
        """Those of `therapist_ids` with a cooling period running at `now` (one query)."""
        if not therapist_ids:
            return set()
        periods = cooling_periods.c
        query = select(periods.therapist_id).where(
            periods.therapist_id.in_(therapist_ids),
            periods.lifted_at.is_(None),
            periods.starts_at <= now,
            periods.ends_at > now,
        )
        return set(self._session.execute(query).scalars())

    def until(self, therapist_id: int, now: datetime) -> datetime | None:
        """The end of the cooling period running at `now` (the latest one), or None."""
        periods = cooling_periods.c
        query = (
            select(periods.ends_at)
            .where(
                periods.therapist_id == therapist_id,
                periods.lifted_at.is_(None),
                periods.starts_at <= now,
                periods.ends_at > now,
            )
            .order_by(periods.ends_at.desc())
            .limit(1)
        )
        return self._session.execute(query).scalar()
