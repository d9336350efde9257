"""Lifecycle use case: move a patient from one status to the next (docs/domain.md "States")."""

from __future__ import annotations

from patient_service.context import PatientContext
from patient_service.domain.changes import audit_changes
from patient_service.domain.patients import Row
from patient_service.domain.statuses import transition_event, transition_values
from patient_service.services.changes import check_version, emit, locked_patient, write
from patient_service.store.events import transition_details


def change_status(
    ctx: PatientContext,
    patient_id: int,
    target: str,
    version: int | None,
    actor: str,
    therapist_id: int | None = None,
) -> Row:
    """Change the status: 409 for a transition the lifecycle forbids, 422 when incomplete."""
    with ctx.unit_of_work() as uow:
        now = ctx.clock.now()
        current = locked_patient(uow, patient_id)
        check_version(current, version)
        row = write(uow, current, transition_values(current, target, therapist_id, now))
        diff = audit_changes(current, row)
        uow.timeline.add_audit(patient_id, now, actor, "status_changed", diff)
        kind = transition_event(current["status"], target)
        emit(uow, kind, row, now, **transition_details(kind, row))
        uow.commit()
    return row
