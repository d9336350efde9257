"""Staff use cases on therapist records: register, edit (contact data too), read, search."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from shared.vocabulary import TherapistSource
from therapist_service.context import TherapistContext
from therapist_service.domain.errors import ExternalIdTaken, TherapistNotFound
from therapist_service.domain.fields import (
    CONTACT_FIELDS,
    FieldChange,
    changes_as_details,
    check_age_range,
    diff_fields,
    manual_defaults,
    normalise_sets,
)
from therapist_service.domain.search import Filters
from therapist_service.store import events
from therapist_service.store.unit_of_work import TherapistUnitOfWork

Row = Mapping[Any, Any]  # a stored therapist row (a RowMapping, a dict in tests)
STAFF_SOURCE = "staff"


def create_therapist(ctx: TherapistContext, data: Mapping[str, Any], actor: str) -> Row:
    """Staff register a therapist by hand (source `manual` unless an external id is given)."""
    values = normalise_sets(data)
    with ctx.unit_of_work() as uow:
        now = ctx.clock.now()
        external_id = values.get("external_id")
        if external_id and uow.therapists.external_id_taken(external_id):
            raise ExternalIdTaken(external_id)
        row = _insert(uow, values, now)
        uow.audit.add(row["id"], actor, "created", {}, now)
        uow.events.add(events.created(row), now)
        publish_practice_moves(uow, row["id"], now)
        try:
            uow.commit()
        except IntegrityError as exc:
            raise ExternalIdTaken() from exc
    return row


def _insert(uow: TherapistUnitOfWork, data: dict[str, Any], now: datetime) -> Row:
    """The new row with its defaults and practice; its first status is recorded as a change."""
    source = TherapistSource.ARZTSUCHE_116117 if data.get("external_id") else TherapistSource.MANUAL
    values = {
        **manual_defaults(),
        **data,
        "source": source.value,
        "status_changed_at": now,
        "created_at": now,
        "updated_at": now,
        "practice_id": uow.practices.resolve(data.get("email"), data.get("phone"), now),
    }
    row = uow.therapists.insert(values)
    first_status = [FieldChange("status", None, row["status"])]
    uow.changes.add(row["id"], first_status, source=STAFF_SOURCE, at=now)
    return row


def update_therapist(
    ctx: TherapistContext, therapist_id: int, data: Mapping[str, Any], actor: str
) -> Row:
    """Staff edit fields; every change is recorded, audited and published."""
    values = normalise_sets(data)
    with ctx.unit_of_work() as uow:
        row = locked(uow, therapist_id)
        changes = diff_fields(row, values, fields=values.keys())
        if not changes:
            return row
        merged = {**row, **values}
        check_age_range(merged)
        update = {change.field: change.new for change in changes}
        now = ctx.clock.now()
        if CONTACT_FIELDS & update.keys():
            update["practice_id"] = uow.practices.resolve(merged["email"], merged["phone"], now)
        new = uow.therapists.update(therapist_id, {**update, "updated_at": now})
        record_staff_changes(uow, therapist_id, changes, actor, now)
        uow.events.add(events.updated(new, [change.field for change in changes]), now)
        publish_practice_moves(uow, therapist_id, now)
        uow.commit()
    return new


def publish_practice_moves(uow: TherapistUnitOfWork, changed_id: int, now: datetime) -> None:
    """Practices merged while resolving `changed_id`'s contact data: every other therapist moved
    to the surviving practice gets a therapist.updated carrying the new practice_id."""
    for therapist_id in uow.practices.take_moved():
        row = uow.therapists.get(therapist_id)
        if therapist_id != changed_id and row is not None:
            uow.events.add(events.updated(row, ["practice_id"]), now)


def record_staff_changes(
    uow: TherapistUnitOfWork,
    therapist_id: int,
    changes: Iterable[FieldChange],
    actor: str,
    now: datetime,
) -> None:
    """A staff edit goes into the change history and the audit log."""
    changes = list(changes)
    uow.changes.add(therapist_id, changes, source=STAFF_SOURCE, at=now)
    uow.audit.add(therapist_id, actor, "updated", changes_as_details(changes), now)


def locked(uow: TherapistUnitOfWork, therapist_id: int) -> Row:
    """The therapist's row, locked for this transaction, or TherapistNotFound."""
    row = uow.therapists.get(therapist_id, lock=True)
    if row is None:
        raise TherapistNotFound(therapist_id)
    return row


def get_therapist(ctx: TherapistContext, therapist_id: int) -> Row:
    """One therapist, or TherapistNotFound."""
    with ctx.unit_of_work() as uow:
        row = uow.therapists.get(therapist_id)
    if row is None:
        raise TherapistNotFound(therapist_id)
    return row


def find_therapists(
    ctx: TherapistContext, filters: Filters, offset: int, limit: int
) -> tuple[Sequence[Row], int]:
    """A page of therapists matching the filters, and the total."""
    with ctx.unit_of_work() as uow:
        return uow.search.page(filters, offset, limit)


def list_changes(
    ctx: TherapistContext, therapist_id: int, source: str | None, offset: int, limit: int
) -> tuple[Sequence[Row], int]:
    """A therapist's change history (imports and staff edits)."""
    with ctx.unit_of_work() as uow:
        if uow.therapists.get(therapist_id) is None:
            raise TherapistNotFound(therapist_id)
        return uow.changes.page(therapist_id, source, offset, limit)
