"""Applying the scraper's records and answers from communication (inside the consumer's tx)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import RowMapping
from sqlalchemy.orm import Session

from shared.events.communication import TherapistResponseRecorded
from shared.events.scraping import TherapistRecord
from shared.http.app_factory import ServiceContext
from shared.vocabulary import TherapistStatus
from therapist_service import repository
from therapist_service.domain import SOURCE_FIELDS, FieldChange, diff_fields, normalise_offers
from therapist_service.lifecycle import (
    SOURCE_DISAPPEARED,
    capacity_applies,
    capacity_from_outcomes,
    status_after_rediscovery,
)
from therapist_service.practices import resolve_practice
from therapist_service.publishing import publish_created, publish_updated
from therapist_service.updates import change_capacity, publish_status, status_values

log = logging.getLogger(__name__)
BERLIN = ZoneInfo("Europe/Berlin")
IMPORT_ACTOR = "scraping_service"
RESPONSE_ACTOR = "communication_service"


def source_values(record: TherapistRecord) -> dict[str, Any]:
    """The source fields of a record in their stored form (sets sorted, windows canonical)."""
    data = record.model_dump(mode="json", include=set(SOURCE_FIELDS))
    data["offers"] = normalise_offers(data["offers"])
    data["languages"] = sorted(set(data["languages"]))
    return data


def apply_source_record(
    ctx: ServiceContext,
    session: Session,
    record: TherapistRecord,
    *,
    import_run_id: int,
    event_id: str,
    seen_at: datetime,
) -> str:
    """Upsert by external id: created | changed | unchanged | stale (older than stored)."""
    row = repository.get_by_external_id(session, record.external_id)
    if row is None:
        _create_from_source(ctx, session, record, import_run_id, event_id, seen_at)
        return "created"
    if row["source_updated_at"] and seen_at < row["source_updated_at"]:
        return "stale"
    return _update_from_source(
        ctx, session, row, source_values(record), (import_run_id, event_id, seen_at)
    )


def _create_from_source(
    ctx: ServiceContext,
    session: Session,
    record: TherapistRecord,
    import_run_id: int,
    event_id: str,
    seen_at: datetime,
) -> None:
    now, values = ctx.clock.now(), source_values(record)
    row = repository.insert_therapist(
        session,
        {
            **values,
            "external_id": record.external_id,
            "source": record.source.value,
            "statutory_licence": record.statutory_licence,
            **manual_defaults(),
            "practice_id": resolve_practice(session, values["email"], values["phone"]),
            "status_changed_at": now,
            "created_at": now,
            "updated_at": now,
            "last_seen_at": seen_at,
            "source_updated_at": seen_at,
            "last_import_run_id": import_run_id,
        },
    )
    repository.add_changes(
        session,
        row["id"],
        [FieldChange("status", None, row["status"])],
        source="import",
        at=now,
        import_run_id=import_run_id,
        event_id=event_id,
    )
    publish_created(ctx, session, row)


def manual_defaults() -> dict[str, Any]:
    """Manual fields of a therapist nobody has edited yet."""
    return {
        "accepting_new_patients": "unknown",
        "preferred_channel": "email",
        "opted_out": False,
        "patient_genders": [],
        "prefers_group": False,
        "status": TherapistStatus.ACTIVE.value,
    }


def _update_from_source(
    ctx: ServiceContext,
    session: Session,
    row: RowMapping,
    values: dict[str, Any],
    origin: tuple[int, str, datetime],
) -> str:
    import_run_id, event_id, seen_at = origin
    changes = diff_fields(row, values)
    update = {c.field: c.new for c in changes}
    status = status_after_rediscovery(
        TherapistStatus(row["status"]), row["inactive_cause"], row["block_reason"]
    )
    if status != row["status"]:
        update |= status_values(status, row["block_reason"], None, row, ctx)
        changes.append(FieldChange("status", row["status"], status.value))
    if {"email", "phone"} & update.keys():
        update["practice_id"] = resolve_practice(session, values["email"], values["phone"])
    bookkeeping = {
        "last_seen_at": max(seen_at, row["last_seen_at"] or seen_at),
        "source_updated_at": seen_at,
        "last_import_run_id": import_run_id,
    }
    if not changes:
        repository.update_therapist(session, row["id"], bookkeeping)
        return "unchanged"
    new = repository.update_therapist(
        session, row["id"], {**update, **bookkeeping, "updated_at": ctx.clock.now()}
    )
    repository.add_changes(
        session,
        row["id"],
        changes,
        source="import",
        at=ctx.clock.now(),
        import_run_id=import_run_id,
        event_id=event_id,
    )
    publish_updated(ctx, session, new, [c.field for c in changes])
    return "changed"


def deactivate_from_source(
    ctx: ServiceContext,
    session: Session,
    external_id: str,
    *,
    import_run_id: int,
    event_id: str,
    seen_at: datetime,
) -> str:
    """Disappeared from the source → inactive (never deleted): deactivated | unchanged | ..."""
    row = repository.get_by_external_id(session, external_id)
    if row is None:
        log.info("disappeared therapist %s is unknown here; ignored", external_id)
        return "unknown"
    if row["source_updated_at"] and seen_at < row["source_updated_at"]:
        return "stale"
    bookkeeping = {"source_updated_at": seen_at, "last_import_run_id": import_run_id}
    if row["status"] == TherapistStatus.INACTIVE:
        repository.update_therapist(session, row["id"], bookkeeping)
        return "unchanged"
    reason = f"disappeared from the source (import run {import_run_id})"
    values = status_values(TherapistStatus.INACTIVE, reason, SOURCE_DISAPPEARED, row, ctx)
    new = repository.update_therapist(session, row["id"], {**values, **bookkeeping})
    change = FieldChange("status", row["status"], TherapistStatus.INACTIVE.value)
    repository.add_changes(
        session,
        row["id"],
        [change],
        source="import",
        at=ctx.clock.now(),
        import_run_id=import_run_id,
        event_id=event_id,
    )
    publish_status(ctx, session, row["status"], new, cause=SOURCE_DISAPPEARED)
    return "deactivated"


def apply_response(ctx: ServiceContext, session: Session, event: TherapistResponseRecorded) -> str:
    """A `rejected_no_capacity` answer sets capacity `no` as of the answer's (Berlin) date."""
    capacity = capacity_from_outcomes(item.outcome for item in event.outcomes)
    if capacity is None:
        return "no_news"
    row = repository.get_therapist(session, event.therapist_id, lock=True)
    if row is None:
        log.info("response for unknown therapist %s ignored", event.therapist_id)
        return "unknown"
    as_of = event.recorded_at.astimezone(BERLIN).date()
    if not capacity_applies(row["capacity_as_of"], as_of):
        return "stale"
    change_capacity(ctx, session, row, capacity, as_of, "response", RESPONSE_ACTOR)
    return "applied"
