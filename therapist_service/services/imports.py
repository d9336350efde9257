"""Import use cases: the scraper's records upserted by external id, disappearances deactivate."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.clock import Clock
from shared.events.scraping import TherapistRecord
from shared.vocabulary import TherapistStatus
from therapist_service.domain.fields import (
    CONTACT_FIELDS,
    SOURCE_FIELDS,
    FieldChange,
    diff_fields,
    manual_defaults,
)
from therapist_service.domain.lifecycle import (
    SOURCE_DISAPPEARED,
    status_after_rediscovery,
    status_values,
)
from therapist_service.domain.offers import normalise_offers
from therapist_service.services.therapists import Row, publish_practice_moves
from therapist_service.store import events
from therapist_service.store.unit_of_work import TherapistUnitOfWork

log = logging.getLogger(__name__)
IMPORT_SOURCE = "import"


@dataclass(frozen=True)
class ImportOrigin:
    """Where an imported change comes from: the import run, the event, when the source said so."""

    import_run_id: int
    event_id: str
    seen_at: datetime

    def is_older_than(self, row: Row) -> bool:
        """True if the stored row already reflects a later statement of the source."""
        return bool(row["source_updated_at"]) and self.seen_at < row["source_updated_at"]


def source_values(record: TherapistRecord) -> dict[str, Any]:
    """The source fields of a record in their stored form (sets sorted, windows canonical)."""
    data = record.model_dump(mode="json", include=set(SOURCE_FIELDS))
    data["offers"] = normalise_offers(data["offers"])
    data["languages"] = sorted(set(data["languages"]))
    return data


def apply_source_record(
    uow: TherapistUnitOfWork,
    clock: Clock,
    record: TherapistRecord,
    *,
    import_run_id: int,
    event_id: str,
    seen_at: datetime,
) -> str:
    """Upsert by external id: created | changed | unchanged | stale (older than stored)."""
    origin = ImportOrigin(import_run_id, event_id, seen_at)
    with uow:
        row = uow.therapists.by_external_id(record.external_id)
        if row is None:
            _create_from_source(uow, clock.now(), record, origin)
            outcome = "created"
        elif origin.is_older_than(row):
            return "stale"
        else:
            outcome = _update_from_source(uow, clock.now(), row, source_values(record), origin)
        uow.commit()
    return outcome


def _create_from_source(
    uow: TherapistUnitOfWork, now: datetime, record: TherapistRecord, origin: ImportOrigin
) -> None:
    values = source_values(record)
    row = uow.therapists.insert(
        {
            **values,
            "external_id": record.external_id,
            "source": record.source.value,
            "statutory_licence": record.statutory_licence,
            **manual_defaults(),
            "practice_id": uow.practices.resolve(values["email"], values["phone"], now),
            "status_changed_at": now,
            "created_at": now,
            "updated_at": now,
            "last_seen_at": origin.seen_at,
            "source_updated_at": origin.seen_at,
            "last_import_run_id": origin.import_run_id,
        },
    )
    _record_changes(uow, row["id"], [FieldChange("status", None, row["status"])], origin, now)
    uow.events.add(events.created(row), now)
    publish_practice_moves(uow, row["id"], now)


def _update_from_source(
    uow: TherapistUnitOfWork,
    now: datetime,
    row: Row,
    values: dict[str, Any],
    origin: ImportOrigin,
) -> str:
    """Source fields that changed, and a return from a disappearance: changed | unchanged."""
    changes = diff_fields(row, values)
    update = {change.field: change.new for change in changes}
    status = status_after_rediscovery(
        TherapistStatus(row["status"]), row["inactive_cause"], row["block_reason"]
    )
    if status != row["status"]:
        update |= status_values(status, row["block_reason"], None, row["block_reason"], now)
        changes.append(FieldChange("status", row["status"], status.value))
    if CONTACT_FIELDS & update.keys():
        update["practice_id"] = uow.practices.resolve(values["email"], values["phone"], now)
    bookkeeping = {
        "last_seen_at": max(origin.seen_at, row["last_seen_at"] or origin.seen_at),
        "source_updated_at": origin.seen_at,
        "last_import_run_id": origin.import_run_id,
    }
    if not changes:
        uow.therapists.update(row["id"], bookkeeping)
        return "unchanged"
    new = uow.therapists.update(row["id"], {**update, **bookkeeping, "updated_at": now})
    _record_changes(uow, row["id"], changes, origin, now)
    uow.events.add(events.updated(new, [change.field for change in changes]), now)
    publish_practice_moves(uow, row["id"], now)
    return "changed"


def deactivate_from_source(
    uow: TherapistUnitOfWork,
    clock: Clock,
    external_id: str,
    *,
    import_run_id: int,
    event_id: str,
    seen_at: datetime,
) -> str:
    """Disappeared from the source → inactive, never deleted: deactivated | unchanged |
    unknown | stale."""
    origin = ImportOrigin(import_run_id, event_id, seen_at)
    with uow:
        row = uow.therapists.by_external_id(external_id)
        if row is None:
            log.info("disappeared therapist %s is unknown here; ignored", external_id)
            return "unknown"
        if origin.is_older_than(row):
            return "stale"
        bookkeeping = {"source_updated_at": seen_at, "last_import_run_id": import_run_id}
        if row["status"] == TherapistStatus.INACTIVE:
            uow.therapists.update(row["id"], bookkeeping)
            uow.commit()
            return "unchanged"
        _deactivate(uow, clock.now(), row, bookkeeping, origin)
        uow.commit()
    return "deactivated"


def _deactivate(
    uow: TherapistUnitOfWork,
    now: datetime,
    row: Row,
    bookkeeping: dict[str, Any],
    origin: ImportOrigin,
) -> None:
    reason = f"disappeared from the source (import run {origin.import_run_id})"
    inactive = TherapistStatus.INACTIVE
    values = status_values(inactive, reason, SOURCE_DISAPPEARED, row["block_reason"], now)
    new = uow.therapists.update(row["id"], {**values, **bookkeeping})
    change = FieldChange("status", row["status"], inactive.value)
    _record_changes(uow, row["id"], [change], origin, now)
    event = events.status_changed(row["status"], new, now, cause=SOURCE_DISAPPEARED)
    uow.events.add(event, now)


def _record_changes(
    uow: TherapistUnitOfWork,
    therapist_id: int,
    changes: list[FieldChange],
    origin: ImportOrigin,
    now: datetime,
) -> None:
    uow.changes.add(
        therapist_id,
        changes,
        source=IMPORT_SOURCE,
        at=now,
        import_run_id=origin.import_run_id,
        event_id=origin.event_id,
    )
