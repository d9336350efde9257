"""The patients table: load, insert, optimistic update, the list, and pending locations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from patient_service.domain.locations import PENDING
from patient_service.domain.patients import ListFilter, Row
from patient_service.models import patients

MAX_ID = 2**63 - 1
_BY_ID = select(patients).where(patients.c.id == bindparam("patient_id"))
_BY_ID_LOCKED = _BY_ID.with_for_update()
_NEXT_ID = text("SELECT nextval(pg_get_serial_sequence('patient_service.patients', 'id'))")


class Patients:
    """Patient rows as dicts, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def load(self, patient_id: int, for_update: bool = False) -> Row | None:
        """One patient row, optionally locked for this transaction; None when unknown."""
        if not 1 <= patient_id <= MAX_ID:
            return None
        query = _BY_ID_LOCKED if for_update else _BY_ID
        row = self._session.execute(query, {"patient_id": patient_id}).mappings().first()
        return dict(row) if row else None

    def reserve_id(self) -> int:
        """The next patient id, taken before the insert (never handed out twice, even on
        rollback: sequences are not transactional)."""
        return int(self._session.execute(_NEXT_ID).scalar_one())

    def insert(self, values: Row) -> Row:
        """Insert a patient and return the stored row."""
        statement = insert(patients).values(**values).returning(patients)
        return dict(self._session.execute(statement).mappings().one())

    def update(self, patient_id: int, version: int, values: Row) -> Row | None:
        """Write `values` if the row is still at `version` (optimistic lock); None when stale."""
        statement = (
            update(patients)
            .where(patients.c.id == patient_id, patients.c.version == version)
            .values(**values, version=version + 1)
            .returning(patients)
        )
        row = self._session.execute(statement).mappings().first()
        return dict(row) if row else None

    def statuses_after(self, after_id: int, limit: int) -> list[tuple[int, str]]:
        """(id, status) of the next `limit` patients not erased after `after_id`, by id."""
        query = (
            select(patients.c.id, patients.c.status)
            .where(patients.c.id > after_id, patients.c.erased_at.is_(None))
            .order_by(patients.c.id)
            .limit(limit)
        )
        return [(int(row.id), str(row.status)) for row in self._session.execute(query)]

    def acknowledge_crisis(self, patient_id: int, actor: str, now: datetime) -> Row | None:
        """Staff saw the crisis flag (no new version: edits in flight stay valid); None when
        the patient has no crisis flag."""
        statement = (
            update(patients)
            .where(patients.c.id == patient_id, patients.c.crisis.is_(True))
            .values(crisis_acknowledged_at=now, crisis_acknowledged_by=actor)
            .returning(patients)
        )
        row = self._session.execute(statement).mappings().first()
        return dict(row) if row else None

    def note_location_attempt(self, patient_id: int, located: Row) -> None:
        """Count a failed geocoding attempt without a new version (staff edits stay valid)."""
        self._session.execute(
            update(patients)
            .where(patients.c.id == patient_id)
            .values(
                location_attempts=located["location_attempts"],
                location_checked_at=located["location_checked_at"],
            )
        )

    def page(self, flt: ListFilter, offset: int, limit: int) -> tuple[list[Row], int]:
        """One page of patients (crisis and urgent first) and the total count."""
        conditions = _conditions(flt)
        total = self._session.execute(select(func.count()).select_from(patients).where(*conditions))
        query = (
            select(patients)
            .where(*conditions)
            .order_by(patients.c.crisis.desc(), patients.c.urgent.desc(), patients.c.id)
            .offset(offset)
            .limit(limit)
        )
        rows = [dict(row) for row in self._session.execute(query).mappings()]
        return rows, int(total.scalar_one())

    def having_birthday(self, days: list[tuple[int, int]], statuses: list[str]) -> list[Row]:
        """Patients in these statuses (not erased) born on one of these (month, day)."""
        born_on = [
            (func.extract("month", patients.c.birth_date) == month)
            & (func.extract("day", patients.c.birth_date) == day)
            for month, day in days
        ]
        query = (
            select(patients)
            .where(patients.c.status.in_(statuses), patients.c.erased_at.is_(None))
            .where(or_(*born_on))
            .order_by(patients.c.id)
        )
        return [dict(row) for row in self._session.execute(query).mappings()]

    def next_pending_location(self, after_id: int) -> Row | None:
        """The next patient waiting for coordinates, locked (skipping rows another worker holds)."""
        query = (
            select(patients)
            .where(patients.c.location_status == PENDING, patients.c.id > after_id)
            .order_by(patients.c.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        row = self._session.execute(query).mappings().first()
        return dict(row) if row else None


def _conditions(flt: ListFilter) -> list[Any]:
    conditions: list[Any] = []
    if flt.status:
        conditions.append(patients.c.status == flt.status)
    if flt.postal_code:
        conditions.append(patients.c.postal_code.startswith(flt.postal_code, autoescape=True))
    if flt.crisis is not None:
        conditions.append(patients.c.crisis.is_(flt.crisis))
    if flt.location_status:
        conditions.append(patients.c.location_status == flt.location_status)
    if flt.q:
        conditions.append(_name_matches(flt.q))
    return conditions


def _name_matches(query: str) -> Any:
    full_name = func.concat(patients.c.first_name, " ", patients.c.last_name)
    pattern = query.strip()
    return or_(
        *(
            column.icontains(pattern, autoescape=True)
            for column in (patients.c.first_name, patients.c.last_name, full_name)
        )
    )
