"""The patient's status as communication knows it (patient and placement events, newest wins)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from communication_service.models import patient_statuses

STATUSES = patient_statuses.c


class PatientStatuses:
    """One status per patient, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def apply(self, patient_id: int, status: str, at: datetime) -> bool:
        """Store the status unless a newer one is stored; True when it was stored."""
        statement = insert(patient_statuses).values(
            patient_id=patient_id, status=status, status_at=at
        )
        statement = statement.on_conflict_do_update(
            index_elements=[STATUSES.patient_id],
            set_={"status": statement.excluded.status, "status_at": statement.excluded.status_at},
            where=STATUSES.status_at <= statement.excluded.status_at,
        )
        return self._session.execute(statement.returning(STATUSES.patient_id)).first() is not None

    def of(self, patient_ids: list[int]) -> dict[int, str]:
        """The known statuses of these patients (unknown ones are missing)."""
        if not patient_ids:
            return {}
        query = select(STATUSES.patient_id, STATUSES.status).where(
            STATUSES.patient_id.in_(patient_ids)
        )
        return {patient_id: status for patient_id, status in self._session.execute(query).all()}
