"""Use cases of the patient service: the only place (with handlers) that commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from patient_service import changes, domain, records
from patient_service.geocoding import Geocoder
from patient_service.profile import changed_profile_fields, patient_event
from shared.db import UnitOfWork
from shared.http.app_factory import ServiceContext

Row = dict[str, Any]


class PatientNotFound(Exception):
    """No patient with this id."""


class PatientErased(Exception):
    """The patient's personal data was erased (Art. 17): the record no longer changes."""


class VersionConflict(Exception):
    """The client's version is stale (someone else changed the patient)."""


class CaseIncomplete(Exception):
    """The case cannot start searching; `missing` says why, per field."""

    def __init__(self, missing: dict[str, str]) -> None:
        super().__init__("case incomplete")
        self.missing = missing


@dataclass(frozen=True)
class Consent:
    """A consent to record: form version and when the patient gave it."""

    version: str
    given_at: datetime


def geocoder(ctx: ServiceContext) -> Geocoder:
    """The geocoding client built once by app.py / worker.py."""
    return ctx.extra["geocoder"]


def register_patient(ctx: ServiceContext, values: Row, consent: Consent | None, actor: str) -> Row:
    """Store a new patient (status registered), locate it, emit patient.registered."""
    now = ctx.clock.now()
    # The id comes first so the geocoding service can link its cache entry to the patient.
    with ctx.engine.connect() as conn:
        values = {**values, "id": records.reserve_patient_id(conn)}
    row_values = {
        **values,
        **changes.flags(values["symptoms"], values["urgent_flagged"]),
        **changes.locate(geocoder(ctx), values, now),
        "status": domain.REGISTERED,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        **_consent_columns(consent),
    }
    with UnitOfWork(ctx.session_factory) as uow:
        row = records.insert_patient(uow.session, row_values)
        if consent is not None:
            records.add_consent(
                uow.session, row["id"], consent.version, consent.given_at, actor, now
            )
        records.add_audit(
            uow.session, row["id"], now, actor, "created", changes.audit_changes({}, row)
        )
        _emit(ctx, uow.session, "registered", row)
        uow.commit()
    return row


def _consent_columns(consent: Consent | None) -> Row:
    if consent is None:
        return {}
    return {
        "consent_version": consent.version,
        "consent_given_at": consent.given_at,
        "consent_withdrawn_at": None,
    }


def get_patient(ctx: ServiceContext, patient_id: int) -> Row:
    """One patient; PatientNotFound otherwise (a plain read: no unit of work needed)."""
    with ctx.engine.connect() as conn:
        row = records.load(conn, patient_id)
    if row is None:
        raise PatientNotFound(patient_id)
    return row


def list_patients(
    ctx: ServiceContext, flt: records.ListFilter, offset: int, limit: int
) -> tuple[list[Row], int]:
    """One page of patients and the total matching the filter."""
    with UnitOfWork(ctx.session_factory) as uow:
        return records.list_patients(uow.session, flt, offset, limit)


def timeline(ctx: ServiceContext, patient_id: int) -> tuple[Row, list[Row]]:
    """A patient and its audit entries plus consumed events, oldest first."""
    with UnitOfWork(ctx.session_factory) as uow:
        patient = records.load(uow.session, patient_id)
        if patient is None:
            raise PatientNotFound(patient_id)
        return patient, records.timeline(uow.session, patient_id)


def update_patient(
    ctx: ServiceContext, patient_id: int, patch: Row, version: int | None, actor: str
) -> Row:
    """Apply a PATCH with optimistic locking; re-locate on address change; audit; emit."""
    current = get_patient(ctx, patient_id)
    _check_not_erased(current)
    _check_version(current, version)
    new = changes.merge_update(current, patch)
    if not new:
        return current
    now = ctx.clock.now()
    if changes.address_changed(new):
        new.update(changes.locate(geocoder(ctx), {**current, **new}, now))
    with UnitOfWork(ctx.session_factory) as uow:
        row = _write(uow.session, current, {**new, "updated_at": now})
        _record_change(ctx, uow.session, current, row, actor, "updated")
        uow.commit()
    return row


def _check_not_erased(row: Row) -> None:
    if row["erased_at"] is not None:
        raise PatientErased(row["id"])


def _check_version(row: Row, version: int | None) -> None:
    if version is not None and version != row["version"]:
        raise VersionConflict(row["version"])


def _write(session: Session, current: Row, values: Row) -> Row:
    row = records.update_patient(session, current["id"], current["version"], values)
    if row is None:
        raise VersionConflict(current["version"])
    return row


def _record_change(
    ctx: ServiceContext, session: Session, old: Row, new: Row, actor: str, action: str
) -> None:
    """Audit entry, and patient.updated when the matching profile changed."""
    diff = changes.audit_changes(old, new)
    records.add_audit(session, new["id"], ctx.clock.now(), actor, action, diff)
    fields = changed_profile_fields(list(diff))
    if fields:
        _emit(ctx, session, "updated", new, changed_fields=fields)


def _emit(ctx: ServiceContext, session: Session, kind: str, row: Row, **extra: Any) -> None:
    now = ctx.clock.now()
    ctx.outbox.add(session, patient_event(kind, row, now, **extra), occurred_at=now)


def change_status(
    ctx: ServiceContext,
    patient_id: int,
    target: str,
    version: int | None,
    actor: str,
    therapist_id: int | None = None,
) -> Row:
    """Move a patient through the lifecycle; 409/422 rules live in domain.py."""
    with UnitOfWork(ctx.session_factory) as uow:
        current = _locked(uow.session, patient_id)
        _check_version(current, version)
        values = _transition_values(ctx, current, target, therapist_id)
        row = _write(uow.session, current, values)
        records.add_audit(
            uow.session,
            patient_id,
            ctx.clock.now(),
            actor,
            "status_changed",
            changes.audit_changes(current, row),
        )
        kind = domain.transition_event(current["status"], target)
        _emit(ctx, uow.session, kind, row, **_event_extra(kind, row))
        uow.commit()
    return row


def _locked(session: Session, patient_id: int) -> Row:
    row = records.load(session, patient_id, for_update=True)
    if row is None:
        raise PatientNotFound(patient_id)
    _check_not_erased(row)
    return row


def _transition_values(ctx: ServiceContext, row: Row, target: str, therapist_id: int | None) -> Row:
    domain.check_transition(row["status"], target)
    now = ctx.clock.now()
    values: Row = {"status": target, "updated_at": now}
    if target == domain.SEARCHING:
        missing = domain.missing_for_search(changes.case_facts(row))
        if missing:
            raise CaseIncomplete(missing)
        values["search_started_at"] = row["search_started_at"] or now
    if target == domain.PLACED:
        if therapist_id is None:
            raise CaseIncomplete({"therapist_id": "required to mark a patient as placed"})
        values.update(placed_at=now, placed_therapist_id=therapist_id)
    return values


def _event_extra(kind: str, row: Row) -> Row:
    if kind == "updated":
        return {"changed_fields": ["status"]}
    if kind == "placed":
        return {"therapist_id": row["placed_therapist_id"], "placed_at": row["placed_at"]}
    return {}


def record_consent(ctx: ServiceContext, patient_id: int, consent: Consent, actor: str) -> Row:
    """A new consent (e.g. a newer form version) becomes the current one."""
    now = ctx.clock.now()
    with UnitOfWork(ctx.session_factory) as uow:
        current = _locked(uow.session, patient_id)
        row = _write(uow.session, current, {**_consent_columns(consent), "updated_at": now})
        records.add_consent(uow.session, patient_id, consent.version, consent.given_at, actor, now)
        records.add_audit(
            uow.session,
            patient_id,
            now,
            actor,
            "consent_given",
            changes.audit_changes(current, row),
        )
        uow.commit()
    return row


def withdraw_consent(
    ctx: ServiceContext, patient_id: int, withdrawn_at: datetime, actor: str
) -> Row:
    """Record a withdrawal; a searching patient is paused at once (no contact without consent)."""
    now = ctx.clock.now()
    with UnitOfWork(ctx.session_factory) as uow:
        current = _locked(uow.session, patient_id)
        if current["consent_given_at"] is None or current["consent_withdrawn_at"] is not None:
            raise CaseIncomplete({"consent": "there is no current consent to withdraw"})
        values: Row = {"consent_withdrawn_at": withdrawn_at, "updated_at": now}
        if current["status"] == domain.SEARCHING:
            values["status"] = domain.PAUSED
        row = _write(uow.session, current, values)
        records.withdraw_consents(uow.session, patient_id, withdrawn_at)
        records.add_audit(
            uow.session,
            patient_id,
            now,
            actor,
            "consent_withdrawn",
            changes.audit_changes(current, row),
        )
        if row["status"] != current["status"]:
            _emit(ctx, uow.session, "search_paused", row)
        uow.commit()
    return row


def resolve_pending_locations(ctx: ServiceContext, limit: int = 200) -> dict[str, int]:
    """Job `resolve-locations`: ask the geocoding service again for every pending patient."""
    counts = {"resolved": 0, "failed": 0, "pending": 0}
    after_id = 0
    for _ in range(limit):
        with UnitOfWork(ctx.session_factory) as uow:
            current = records.next_pending_location(uow.session, after_id)
            if current is None:
                break
            after_id = current["id"]
            row = _relocate(ctx, uow.session, current)
            uow.commit()
        counts[row["location_status"]] += 1
    return counts


def _relocate(ctx: ServiceContext, session: Session, current: Row) -> Row:
    now = ctx.clock.now()
    located = changes.locate(geocoder(ctx), current, now, current["location_attempts"])
    if located["location_status"] == "pending":  # still down: count the attempt, no new version
        records.note_location_attempt(session, current["id"], located)
        return {**current, **located}
    row = _write(session, current, {**located, "updated_at": now})
    _record_change(ctx, session, current, row, "resolve-locations", "location_resolved")
    return row


def apply_placement(
    ctx: ServiceContext,
    session: Session,
    patient_id: int,
    therapist_id: int,
    placed_at: datetime,
    placement_request_id: int | None,
) -> str:
    """matching.placement_confirmed inside the consumer's transaction: applied | unchanged."""
    current = records.load(session, patient_id, for_update=True)
    if current is None:
        return "unknown_patient"
    if current["erased_at"] is not None:
        return "erased"
    if current["status"] != domain.SEARCHING:
        same = (current["status"], current["placed_therapist_id"]) == (domain.PLACED, therapist_id)
        return "unchanged" if same else f"refused_in_status_{current['status']}"
    values = {
        "status": domain.PLACED,
        "placed_at": placed_at,
        "placed_therapist_id": therapist_id,
        "updated_at": ctx.clock.now(),
    }
    row = _write(session, current, values)
    records.add_audit(
        session,
        patient_id,
        ctx.clock.now(),
        "matching_service",
        "placed",
        changes.audit_changes(current, row),
    )
    _emit(
        ctx,
        session,
        "placed",
        row,
        therapist_id=therapist_id,
        placed_at=placed_at,
        placement_request_id=placement_request_id,
    )
    return "applied"
