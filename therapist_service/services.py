"""Use cases of the therapist service: the only place (with handlers) that commits."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.db import UnitOfWork
from shared.http.app_factory import ServiceContext
from shared.vocabulary import Capacity, TherapistSource, TherapistStatus
from therapist_service import repository, search
from therapist_service.domain import FieldChange, diff_fields, normalise_offers
from therapist_service.imports import manual_defaults
from therapist_service.lifecycle import STAFF, can_transition
from therapist_service.practices import resolve_practice
from therapist_service.publishing import publish_created, publish_updated
from therapist_service.updates import change_capacity, publish_status, status_values

BERLIN = ZoneInfo("Europe/Berlin")


class TherapistNotFound(Exception):
    """No therapist with this id."""


class Conflict(Exception):
    """The change contradicts the current state (duplicate id, invalid transition)."""


class Unprocessable(Exception):
    """Well-formed input that the therapist's current data makes invalid."""


def normalise_sets(data: dict[str, Any]) -> dict[str, Any]:
    """Offers, languages and patient genders are stored as sorted sets."""
    out = dict(data)
    if out.get("offers") is not None:
        out["offers"] = normalise_offers(out["offers"])
    for name in ("languages", "patient_genders"):
        if out.get(name) is not None:
            out[name] = sorted(set(out[name]))
    return out


def create_therapist(ctx: ServiceContext, data: dict[str, Any], actor: str) -> RowMapping:
    """Staff register a therapist by hand (source `manual` unless an external id is given)."""
    data = normalise_sets(data)
    with UnitOfWork(ctx.session_factory) as uow:
        if data.get("external_id") and repository.external_id_taken(
            uow.session, data["external_id"]
        ):
            raise Conflict(f"External id {data['external_id']} is already in use.")
        row = _insert(ctx, uow.session, data)
        repository.add_audit(uow.session, row["id"], actor, "created", {}, ctx.clock.now())
        publish_created(ctx, uow.session, row)
        try:
            uow.commit()
        except IntegrityError as exc:
            raise Conflict("External id is already in use.") from exc
    return row


def _insert(ctx: ServiceContext, session: Session, data: dict[str, Any]) -> RowMapping:
    now = ctx.clock.now()
    source = TherapistSource.ARZTSUCHE_116117 if data.get("external_id") else TherapistSource.MANUAL
    values = {
        **manual_defaults(),
        **data,
        "source": source.value,
        "status_changed_at": now,
        "created_at": now,
        "updated_at": now,
        "practice_id": resolve_practice(session, data.get("email"), data.get("phone")),
    }
    row = repository.insert_therapist(session, values)
    repository.add_changes(
        session, row["id"], [FieldChange("status", None, row["status"])], source="staff", at=now
    )
    return row


def update_therapist(
    ctx: ServiceContext, therapist_id: int, data: dict[str, Any], actor: str
) -> RowMapping:
    """Staff edit fields; every change is recorded, audited and published."""
    data = normalise_sets(data)
    with UnitOfWork(ctx.session_factory) as uow:
        row = _locked(uow.session, therapist_id)
        changes = diff_fields(row, data, fields=data.keys())
        if not changes:
            return row
        _check_age_range({**row, **data})
        update = {c.field: c.new for c in changes}
        if {"email", "phone"} & update.keys():
            merged = {**row, **data}
            update["practice_id"] = resolve_practice(uow.session, merged["email"], merged["phone"])
        new = repository.update_therapist(
            uow.session, therapist_id, {**update, "updated_at": ctx.clock.now()}
        )
        _record(ctx, uow.session, therapist_id, changes, actor)
        publish_updated(ctx, uow.session, new, [c.field for c in changes])
        uow.commit()
    return new


def _check_age_range(merged: dict[str, Any]) -> None:
    low, high = merged.get("age_min"), merged.get("age_max")
    if low is not None and high is not None and low > high:
        raise Unprocessable("age_min must not be greater than age_max.")


def _record(
    ctx: ServiceContext, session: Session, therapist_id: int, changes: list[FieldChange], actor: str
) -> None:
    now = ctx.clock.now()
    repository.add_changes(session, therapist_id, changes, source="staff", at=now)
    details = {c.field: {"old": c.old, "new": c.new} for c in changes}
    repository.add_audit(session, therapist_id, actor, "updated", details, now)


def _locked(session: Session, therapist_id: int) -> RowMapping:
    row = repository.get_therapist(session, therapist_id, lock=True)
    if row is None:
        raise TherapistNotFound(therapist_id)
    return row


def change_status(
    ctx: ServiceContext, therapist_id: int, target: TherapistStatus, reason: str | None, actor: str
) -> RowMapping:
    """Block, unblock, deactivate or reactivate (invalid transitions → Conflict)."""
    with UnitOfWork(ctx.session_factory) as uow:
        row = _locked(uow.session, therapist_id)
        old = TherapistStatus(row["status"])
        if not can_transition(old, target):
            raise Conflict(f"A therapist cannot go from {old} to {target}.")
        if old == target and row["status_reason"] == reason:
            return row
        values = status_values(target, reason, STAFF, row, ctx)
        new = repository.update_therapist(uow.session, therapist_id, values)
        _record(
            ctx, uow.session, therapist_id, [FieldChange("status", old.value, target.value)], actor
        )
        if old != target:
            publish_status(ctx, uow.session, old.value, new)
        uow.commit()
    return new


def set_capacity(
    ctx: ServiceContext, therapist_id: int, capacity: Capacity, as_of: date | None, actor: str
) -> RowMapping:
    """Staff record whether the therapist accepts new patients (as of a date, default today)."""
    as_of = as_of or ctx.clock.now().astimezone(BERLIN).date()
    with UnitOfWork(ctx.session_factory) as uow:
        row = _locked(uow.session, therapist_id)
        new = change_capacity(ctx, uow.session, row, capacity, as_of, "staff", actor)
        uow.commit()
    return new


def get_therapist(ctx: ServiceContext, therapist_id: int) -> RowMapping:
    """One therapist, or TherapistNotFound."""
    with UnitOfWork(ctx.session_factory) as uow:
        row = repository.get_therapist(uow.session, therapist_id)
    if row is None:
        raise TherapistNotFound(therapist_id)
    return row


def find_therapists(
    ctx: ServiceContext, filters: search.Filters, offset: int, limit: int
) -> tuple[list[Any], int]:
    """A page of therapists matching the filters, and the total."""
    with UnitOfWork(ctx.session_factory) as uow:
        return search.search(uow.session, filters, offset, limit)


def list_changes(
    ctx: ServiceContext, therapist_id: int, source: str | None, offset: int, limit: int
) -> tuple[list[RowMapping], int]:
    """A therapist's change history (imports and staff edits)."""
    with UnitOfWork(ctx.session_factory) as uow:
        if repository.get_therapist(uow.session, therapist_id) is None:
            raise TherapistNotFound(therapist_id)
        return repository.list_changes(uow.session, therapist_id, source, offset, limit)
