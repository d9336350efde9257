"""How every use case changes a patient: the locked read, the guarded write, audit and event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from patient_service.domain.changes import audit_changes
from patient_service.domain.errors import PatientErased, PatientNotFound, VersionConflict
from patient_service.domain.patients import Row
from patient_service.domain.profile import changed_profile_fields
from patient_service.store import events
from patient_service.store.unit_of_work import PatientUnitOfWork


def locked_patient(uow: PatientUnitOfWork, patient_id: int) -> Row:
    """The patient row locked for this transaction; refused when unknown or erased."""
    row = uow.patients.load(patient_id, for_update=True)
    if row is None:
        raise PatientNotFound(patient_id)
    check_not_erased(row)
    return row


def check_not_erased(row: Row) -> None:
    """An erased patient (Art. 17) no longer changes."""
    if row["erased_at"] is not None:
        raise PatientErased(row["id"])


def check_version(row: Row, version: int | None) -> None:
    """The caller's version (when given) must be the stored one."""
    if version is not None and version != row["version"]:
        raise VersionConflict(row["version"])


def write(uow: PatientUnitOfWork, current: Row, values: Row) -> Row:
    """Write `values` over `current` at its version (someone else's write in between: 409).
    A crisis flag raised anew needs a new acknowledgement by staff."""
    if values.get("crisis") and not current["crisis"]:
        values = {
            **values,
            "crisis_raised_at": values.get("updated_at", current["updated_at"]),
            "crisis_acknowledged_at": None,
            "crisis_acknowledged_by": None,
        }
    row = uow.patients.update(current["id"], current["version"], values)
    if row is None:
        raise VersionConflict(current["version"])
    return row


def record_change(
    uow: PatientUnitOfWork, now: datetime, old: Row, new: Row, actor: str, action: str
) -> None:
    """Audit entry, and patient.updated when the matching profile changed."""
    diff = audit_changes(old, new)
    uow.timeline.add_audit(new["id"], now, actor, action, diff)
    fields = changed_profile_fields(list(diff))
    if fields:
        emit(uow, "updated", new, now, changed_fields=fields)


def emit(uow: PatientUnitOfWork, kind: str, row: Row, now: datetime, **details: Any) -> None:
    """`patient.<kind>` with the row's profile, into the outbox of this transaction."""
    uow.events.add(events.patient_event(kind, row, now, **details), now)
