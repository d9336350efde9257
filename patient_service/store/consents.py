"""The consents table: one record per consent given, marked when it is withdrawn."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from patient_service.domain.consents import Consent
from patient_service.domain.patients import Row
from patient_service.models import consents


class Consents:
    """Consent records of patients, on one session (the current one is mirrored on the row)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, patient_id: int, consent: Consent, actor: str, at: datetime) -> None:
        """Record a consent the patient gave."""
        self._session.execute(
            insert(consents).values(
                patient_id=patient_id,
                version=consent.version,
                given_at=consent.given_at,
                recorded_by=actor,
                recorded_at=at,
            )
        )

    def withdraw_all(self, patient_id: int, at: datetime) -> None:
        """Mark every open consent record of a patient as withdrawn."""
        self._session.execute(
            update(consents)
            .where(consents.c.patient_id == patient_id, consents.c.withdrawn_at.is_(None))
            .values(withdrawn_at=at)
        )

    def history(self, patient_id: int) -> list[Row]:
        """Every consent record of a patient, oldest first."""
        query = select(consents).where(consents.c.patient_id == patient_id).order_by(consents.c.id)
        return [dict(row) for row in self._session.execute(query).mappings()]
