"""Art. 17 erasure in the patient schema: the tombstone, scrubbed traces, per-service steps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from patient_service.domain.erasure import TOMBSTONE, scrub_changes
from patient_service.domain.patients import Row
from patient_service.models import audit_log, erasure_steps, infrastructure, patients

IDEMPOTENCY_KEYS = infrastructure["idempotency_keys"]
OUTBOX = infrastructure["outbox"]


class ErasureRecords:
    """What erasing one patient deletes and records, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def tombstone(self, patient_id: int, now: datetime) -> None:
        """Replace the personal columns of a patient with neutral values and mark it erased."""
        self._session.execute(
            update(patients)
            .where(patients.c.id == patient_id)
            .values(**TOMBSTONE, erased_at=now, updated_at=now, version=patients.c.version + 1)
        )

    def scrub_audit_log(self, patient_id: int) -> int:
        """Old and new values of personal fields in the patient's audit entries become
        `[erased]`; returns how many entries were scrubbed."""
        rows = self._session.execute(
            select(audit_log.c.id, audit_log.c.changes).where(audit_log.c.patient_id == patient_id)
        ).all()
        for row_id, changes in rows:
            self._session.execute(
                update(audit_log)
                .where(audit_log.c.id == row_id)
                .values(changes=scrub_changes(changes))
            )
        return len(rows)

    def delete_stored_responses(self, patient_id: int) -> int:
        """Replayable answers of retried writes about this patient hold its full record."""
        keys = IDEMPOTENCY_KEYS.c
        path = f"/api/patients/{patient_id}"
        result = self._session.execute(
            delete(IDEMPOTENCY_KEYS).where(
                or_(
                    keys.path == path,
                    keys.path.startswith(path + "/", autoescape=True),
                    (keys.path == "/api/patients")
                    & (keys.response["id"].astext == str(patient_id)),
                )
            )
        )
        return int(result.rowcount or 0)

    def delete_outbox_rows(self, patient_id: int) -> int:
        """Earlier events of the patient (published or not): patient.erased supersedes them."""
        result = self._session.execute(
            delete(OUTBOX).where(OUTBOX.c.key == f"patient:{patient_id}")
        )
        return int(result.rowcount or 0)

    def add_steps(
        self,
        patient_id: int,
        services: Iterable[str],
        done_here: str,
        now: datetime,
        actor: str,
        counts: dict[str, int],
    ) -> None:
        """One step per service; this service's own step is completed at once."""
        for service in services:
            own = service == done_here
            self._session.execute(
                insert(erasure_steps).values(
                    patient_id=patient_id,
                    service=service,
                    requested_at=now,
                    requested_by=actor,
                    completed_at=now if own else None,
                    counts=counts if own else None,
                )
            )

    def steps(self, patient_id: int) -> list[Row]:
        """The erasure steps of a patient, in service order."""
        query = (
            select(erasure_steps)
            .where(erasure_steps.c.patient_id == patient_id)
            .order_by(erasure_steps.c.service)
        )
        return [dict(row) for row in self._session.execute(query).mappings()]

    def complete_step(
        self, patient_id: int, service: str, at: datetime, counts: dict[str, int]
    ) -> bool:
        """Record a service's completion once; False when unknown or already recorded."""
        result = self._session.execute(
            update(erasure_steps)
            .where(
                erasure_steps.c.patient_id == patient_id,
                erasure_steps.c.service == service,
                erasure_steps.c.completed_at.is_(None),
            )
            .values(completed_at=at, counts=counts)
        )
        return bool(result.rowcount)
