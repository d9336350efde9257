"""Patient use cases: register, read, list and change a patient's data."""

from __future__ import annotations

from patient_service.context import PatientContext
from patient_service.domain.changes import address_changed, audit_changes, merge_update
from patient_service.domain.consents import Consent, consent_columns
from patient_service.domain.errors import PatientNotFound
from patient_service.domain.patients import ListFilter, Row
from patient_service.domain.symptoms import flags
from patient_service.services.changes import (
    check_not_erased,
    check_version,
    emit,
    record_change,
    write,
)
from patient_service.services.locations import locate
from shared.patient_vocabulary import PatientStatus


def register_patient(ctx: PatientContext, values: Row, consent: Consent | None, actor: str) -> Row:
    """Store a new patient (status registered), locate it, emit patient.registered."""
    # The id comes first so the geocoding service can link its cache entry to the patient;
    # the lookup itself runs outside any transaction.
    with ctx.unit_of_work() as uow:
        values = {**values, "id": uow.patients.reserve_id()}
    now = ctx.clock.now()
    row_values = {
        **values,
        **flags(values["symptoms"], values["urgent_flagged"]),
        **locate(ctx.geocoder, values, now),
        "status": PatientStatus.REGISTERED.value,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        **consent_columns(consent),
    }
    with ctx.unit_of_work() as uow:
        row = uow.patients.insert(row_values)
        if consent is not None:
            uow.consents.add(row["id"], consent, actor, now)
        uow.timeline.add_audit(row["id"], now, actor, "created", audit_changes({}, row))
        emit(uow, "registered", row, now)
        uow.commit()
    return row


def get_patient(ctx: PatientContext, patient_id: int) -> Row:
    """One patient; PatientNotFound otherwise."""
    with ctx.unit_of_work() as uow:
        row = uow.patients.load(patient_id)
    if row is None:
        raise PatientNotFound(patient_id)
    return row


def list_patients(
    ctx: PatientContext, flt: ListFilter, offset: int, limit: int
) -> tuple[list[Row], int]:
    """One page of patients and the total matching the filter."""
    with ctx.unit_of_work() as uow:
        return uow.patients.page(flt, offset, limit)


def update_patient(
    ctx: PatientContext, patient_id: int, patch: Row, version: int | None, actor: str
) -> Row:
    """Apply a PATCH with optimistic locking; re-locate on address change; audit; emit."""
    current = get_patient(ctx, patient_id)
    check_not_erased(current)
    check_version(current, version)
    new = merge_update(current, patch)
    if not new:
        return current
    now = ctx.clock.now()
    if address_changed(new):
        new.update(locate(ctx.geocoder, {**current, **new}, now))
    with ctx.unit_of_work() as uow:
        row = write(uow, current, {**new, "updated_at": now})
        record_change(uow, now, current, row, actor, "updated")
        uow.commit()
    return row
