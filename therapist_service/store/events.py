"""Builders of the therapist events this service writes to its outbox (no contact data)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Literal

from shared.events.envelope import DomainEvent
from shared.events.therapist import (
    TherapistBlocked,
    TherapistCapacityChanged,
    TherapistCreated,
    TherapistDeactivated,
    TherapistProfile,
    TherapistUnblocked,
    TherapistUpdated,
)
from shared.vocabulary import Capacity, TherapistStatus
from therapist_service.domain.lifecycle import STAFF

CapacitySource = Literal["staff", "response"]
DeactivationCause = Literal["source", "staff"]
PROFILE_COLUMNS = tuple(
    name
    for name in TherapistProfile.model_fields
    if name not in ("therapist_id", "has_email", "has_phone")
)


def profile(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The matching profile of a therapist row (no names, no contact data)."""
    data = {name: row[name] for name in PROFILE_COLUMNS}
    return {
        **data,
        "therapist_id": row["id"],
        "has_email": bool(row["email"]),
        "has_phone": bool(row["phone"]),
    }


def created(row: Mapping[Any, Any]) -> TherapistCreated:
    """`therapist.created` with the whole profile."""
    return TherapistCreated.model_validate(profile(row))


def updated(row: Mapping[Any, Any], changed: Iterable[str]) -> TherapistUpdated:
    """`therapist.updated` with the whole profile and the names of the changed fields."""
    fields = sorted(set(changed))
    return TherapistUpdated.model_validate({**profile(row), "changed_fields": fields})


def capacity_changed(
    therapist_id: int, capacity: Capacity, as_of: date, source: CapacitySource
) -> TherapistCapacityChanged:
    """`therapist.capacity_changed`: the statement, its date and who made it."""
    return TherapistCapacityChanged(
        therapist_id=therapist_id, accepting_new_patients=capacity, as_of=as_of, source=source
    )


def status_changed(
    old_status: str, row: Mapping[Any, Any], now: datetime, cause: DeactivationCause = STAFF
) -> DomainEvent:
    """The event that tells consumers about a status change (stored `row` after it)."""
    therapist_id, status = row["id"], row["status"]
    if status == TherapistStatus.BLOCKED:
        return TherapistBlocked(therapist_id=therapist_id, blocked_at=now)
    if status == TherapistStatus.INACTIVE:
        return TherapistDeactivated(therapist_id=therapist_id, cause=cause, deactivated_at=now)
    if old_status == TherapistStatus.BLOCKED:
        return TherapistUnblocked(therapist_id=therapist_id, unblocked_at=now)
    return updated(row, ["status"])
