"""Placement requests in the database: locked reads for transitions, status writes, pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from matching_service import models
from matching_service.domain.states import ASKED_PAIR_SQL, OPEN, RequestStatus
from matching_service.store.patients import searching_ids

REQUESTS = models.placement_requests


class RequestStore:
    """The `placement_requests` table inside the unit of work's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _locked(self, *conditions: Any) -> list[Any]:
        """Requests matching the conditions, locked for this transaction, oldest first."""
        query = select(REQUESTS).where(*conditions).order_by(REQUESTS.c.id).with_for_update()
        return list(self.session.execute(query).mappings())

    def locked(self, request_id: int) -> Any:
        """One request, locked (None when there is none)."""
        rows = self._locked(REQUESTS.c.id == request_id)
        return rows[0] if rows else None

    def locked_answered(self, request_id: int, patient_id: int, therapist_id: int) -> Any:
        """The request an answer is about, if it really is this patient's and therapist's."""
        rows = self._locked(
            REQUESTS.c.id == request_id,
            REQUESTS.c.patient_id == patient_id,
            REQUESTS.c.therapist_id == therapist_id,
        )
        return rows[0] if rows else None

    def locked_of_patient(self, patient_id: int, except_id: int | None = None) -> list[Any]:
        """A patient's open requests (all, or all but one), locked."""
        conditions = [REQUESTS.c.status.in_(list(OPEN)), REQUESTS.c.patient_id == patient_id]
        if except_id is not None:
            conditions.append(REQUESTS.c.id != except_id)
        return self._locked(*conditions)

    def locked_of_therapist(
        self,
        therapist_id: int,
        statuses: Iterable[str] | None = None,
        request_ids: list[int] | None = None,
    ) -> list[Any]:
        """A therapist's requests (of these statuses, among these ids), locked."""
        conditions = [REQUESTS.c.therapist_id == therapist_id]
        if statuses is not None:
            conditions.append(REQUESTS.c.status.in_(list(statuses)))
        if request_ids is not None:
            conditions.append(REQUESTS.c.id.in_(request_ids))
        return self._locked(*conditions)

    def due_for_expiry(self, contacted_until: datetime, limit: int) -> list[Any]:
        """Open requests first contacted at `contacted_until` or earlier (locked; rows other
        transactions hold are skipped)."""
        query = (
            select(REQUESTS)
            .where(REQUESTS.c.status.in_(OPEN), REQUESTS.c.contacted_at <= contacted_until)
            .order_by(REQUESTS.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(self.session.execute(query).mappings())

    def set_status(
        self, request_id: int, status: RequestStatus, reason: str | None, now: datetime
    ) -> None:
        """Store a request's new status (a terminal one with when and why it closed)."""
        values: dict[str, Any] = {"status": status.value, "updated_at": now}
        if status not in OPEN:
            values.update(closed_at=now, close_reason=reason)
        self.session.execute(update(REQUESTS).where(REQUESTS.c.id == request_id).values(**values))

    def mark_therapist_unavailable(self, therapist_id: int, now: datetime) -> None:
        """Flag a therapist's open requests: the therapist left or was blocked after contact."""
        self.session.execute(
            update(REQUESTS)
            .where(REQUESTS.c.therapist_id == therapist_id, REQUESTS.c.status.in_(OPEN))
            .values(therapist_unavailable=True, updated_at=now)
        )

    def set_follow_up(self, request_id: int, at: datetime) -> None:
        self.session.execute(
            update(REQUESTS).where(REQUESTS.c.id == request_id).values(follow_up_at=at)
        )

    def set_first_contact(self, request_id: int, at: datetime) -> None:
        self.session.execute(
            update(REQUESTS).where(REQUESTS.c.id == request_id).values(contacted_at=at)
        )

    def by_patient(self, patient_ids: list[int] | None) -> dict[int, list[Any]]:
        """(therapist_id, status, contacted_at) of every request of these patients (None: of
        every searching patient, as a subquery rather than a 100,000-element IN list)."""
        chosen: Any = searching_ids() if patient_ids is None else patient_ids
        found: dict[int, list[Any]] = defaultdict(list)
        query = select(
            REQUESTS.c.patient_id,
            REQUESTS.c.therapist_id,
            REQUESTS.c.status,
            REQUESTS.c.contacted_at,
        ).where(REQUESTS.c.patient_id.in_(chosen))
        for row in self.session.execute(query):
            found[row.patient_id].append(row)
        return found

    def open_of_patients(self, patient_ids: Iterable[int]) -> dict[int, list[Any]]:
        """(id, therapist_id, status) of the open requests of these patients, by patient."""
        found: dict[int, list[Any]] = defaultdict(list)
        query = (
            select(REQUESTS.c.id, REQUESTS.c.patient_id, REQUESTS.c.therapist_id, REQUESTS.c.status)
            .where(
                REQUESTS.c.patient_id.in_(list(patient_ids)),
                REQUESTS.c.status.in_([s.value for s in OPEN]),
            )
            .order_by(REQUESTS.c.id)
        )
        for row in self.session.execute(query):
            found[row.patient_id].append(row)
        return found

    def last_closed(self, patient_ids: Iterable[int]) -> dict[int, datetime]:
        """When each of these patients' last request closed (patients with one)."""
        query = (
            select(REQUESTS.c.patient_id, func.max(REQUESTS.c.closed_at))
            .where(REQUESTS.c.patient_id.in_(list(patient_ids)), REQUESTS.c.closed_at.is_not(None))
            .group_by(REQUESTS.c.patient_id)
        )
        return {int(pid): at for pid, at in self.session.execute(query).all()}

    def contacted_unanswered(self, contacted_until: datetime) -> list[Any]:
        """Requests still `contacted` (no answer, no call scheduled) since `contacted_until` or
        longer, oldest contact first."""
        query = (
            select(REQUESTS)
            .where(
                REQUESTS.c.status == RequestStatus.CONTACTED,
                REQUESTS.c.contacted_at <= contacted_until,
            )
            .order_by(REQUESTS.c.contacted_at, REQUESTS.c.id)
        )
        return list(self.session.execute(query).mappings())

    def therapists_asked(self, patient_id: int) -> list[int]:
        """Every therapist already asked about this patient (`counts_as_asked`: not the
        requests cancelled before any contact)."""
        query = select(REQUESTS.c.therapist_id).where(
            REQUESTS.c.patient_id == patient_id, text(ASKED_PAIR_SQL)
        )
        return list(self.session.execute(query).scalars())

    def page(self, filters: dict[str, Any], offset: int, limit: int) -> tuple[list[Any], int]:
        """A page of requests (newest first) and the total for these column filters."""
        conditions = [REQUESTS.c[name] == value for name, value in filters.items()]
        total = self.session.execute(
            select(func.count()).select_from(REQUESTS).where(*conditions)
        ).scalar_one()
        rows = self.session.execute(
            select(REQUESTS)
            .where(*conditions)
            .order_by(REQUESTS.c.id.desc())
            .offset(offset)
            .limit(limit)
        ).mappings()
        return list(rows), int(total)

    def get(self, request_id: int) -> Any:
        """One request (None when there is none)."""
        query = select(REQUESTS).where(REQUESTS.c.id == request_id)
        return self.session.execute(query).mappings().first()

    def count_by_status(self) -> dict[str, int]:
        """How many requests are in each status."""
        query = select(REQUESTS.c.status, func.count()).group_by(REQUESTS.c.status)
        return {status: int(count) for status, count in self.session.execute(query).all()}
