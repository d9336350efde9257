"""Row-level changes shared by staff use cases and event handlers (caller's transaction)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.orm import Session

from shared.events.therapist import (
    TherapistBlocked,
    TherapistCapacityChanged,
    TherapistDeactivated,
    TherapistUnblocked,
)
from shared.http.app_factory import ServiceContext
from shared.vocabulary import Capacity, TherapistStatus
from therapist_service import repository
from therapist_service.domain import FieldChange
from therapist_service.lifecycle import STAFF
from therapist_service.publishing import publish, publish_updated


def change_capacity(
    ctx: ServiceContext,
    session: Session,
    row: RowMapping,
    capacity: Capacity,
    as_of: date,
    source: str,
    actor: str,
) -> RowMapping:
    """Store a capacity statement, audit it and publish `therapist.capacity_changed`."""
    if row["accepting_new_patients"] == capacity and row["capacity_as_of"] == as_of:
        return row
    now = ctx.clock.now()
    new = repository.update_therapist(
        session,
        row["id"],
        {"accepting_new_patients": capacity.value, "capacity_as_of": as_of, "updated_at": now},
    )
    details = {
        "old": {
            "accepting_new_patients": row["accepting_new_patients"],
            "as_of": _iso(row["capacity_as_of"]),
        },
        "new": {"accepting_new_patients": capacity.value, "as_of": as_of.isoformat()},
        "source": source,
    }
    repository.add_audit(session, row["id"], actor, "capacity_changed", details, now)
    publish(
        ctx,
        session,
        TherapistCapacityChanged(
            therapist_id=row["id"], accepting_new_patients=capacity, as_of=as_of, source=source
        ),
    )
    return new


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def status_values(
    target: TherapistStatus,
    reason: str | None,
    cause: str | None,
    row: RowMapping,
    ctx: ServiceContext,
) -> dict[str, Any]:
    """Columns for a status change (a block reason survives deactivation, not unblocking)."""
    block_reason = row["block_reason"]
    if target == TherapistStatus.BLOCKED:
        block_reason = reason
    elif target == TherapistStatus.ACTIVE:
        block_reason = None
    return {
        "status": target.value,
        "status_reason": reason,
        "block_reason": block_reason,
        "inactive_cause": cause if target == TherapistStatus.INACTIVE else None,
        "status_changed_at": ctx.clock.now(),
        "updated_at": ctx.clock.now(),
    }


def publish_status(
    ctx: ServiceContext, session: Session, old: str, new: RowMapping, cause: str = STAFF
) -> None:
    """The event that tells consumers about a status change."""
    now, therapist_id, status = ctx.clock.now(), new["id"], new["status"]
    if status == TherapistStatus.BLOCKED:
        publish(ctx, session, TherapistBlocked(therapist_id=therapist_id, blocked_at=now))
    elif status == TherapistStatus.INACTIVE:
        publish(
            ctx,
            session,
            TherapistDeactivated(therapist_id=therapist_id, cause=cause, deactivated_at=now),
        )
    elif old == TherapistStatus.BLOCKED:
        publish(ctx, session, TherapistUnblocked(therapist_id=therapist_id, unblocked_at=now))
    else:
        publish_updated(ctx, session, new, ["status"])


def status_change(old: str, new: str) -> FieldChange:
    """The change record of a status transition."""
    return FieldChange("status", old, new)
