"""Pure status and capacity rules over the shared vocabulary (no I/O, no frameworks)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from shared.vocabulary import Capacity, ResponseOutcome, TherapistStatus

BERLIN = ZoneInfo("Europe/Berlin")
SOURCE_DISAPPEARED: Final = "source"
STAFF: Final = "staff"

STAFF_TRANSITIONS: dict[TherapistStatus, set[TherapistStatus]] = {
    TherapistStatus.ACTIVE: {TherapistStatus.BLOCKED, TherapistStatus.INACTIVE},
    TherapistStatus.BLOCKED: {TherapistStatus.ACTIVE, TherapistStatus.INACTIVE},
    TherapistStatus.INACTIVE: {TherapistStatus.ACTIVE},
}


def can_transition(current: TherapistStatus, target: TherapistStatus) -> bool:
    """Whether staff may move a therapist from `current` to `target` (same status: no-op)."""
    return target == current or target in STAFF_TRANSITIONS[current]


def status_after_rediscovery(
    status: TherapistStatus, inactive_cause: str | None, block_reason: str | None
) -> TherapistStatus:
    """A therapist the source lists again returns to its state before disappearing."""
    if status != TherapistStatus.INACTIVE or inactive_cause != SOURCE_DISAPPEARED:
        return status
    return TherapistStatus.BLOCKED if block_reason else TherapistStatus.ACTIVE


def status_values(
    target: TherapistStatus,
    reason: str | None,
    cause: str | None,
    block_reason: str | None,
    now: datetime,
) -> dict[str, Any]:
    """Columns for a status change (a block reason survives deactivation, not unblocking)."""
    if target == TherapistStatus.BLOCKED:
        block_reason = reason
    elif target == TherapistStatus.ACTIVE:
        block_reason = None
    return {
        "status": target.value,
        "status_reason": reason,
        "block_reason": block_reason,
        "inactive_cause": cause if target == TherapistStatus.INACTIVE else None,
        "status_changed_at": now,
        "updated_at": now,
    }


def capacity_applies(current_as_of: date | None, new_as_of: date) -> bool:
    """A capacity statement applies unless a newer one is already recorded."""
    return current_as_of is None or new_as_of >= current_as_of


def capacity_from_outcomes(outcomes: Iterable[str]) -> Capacity | None:
    """`rejected_no_capacity` → no; other answers say nothing about capacity in general."""
    return Capacity.NO if ResponseOutcome.REJECTED_NO_CAPACITY in set(outcomes) else None


def berlin_date(moment: datetime) -> date:
    """The calendar day of `moment` in Germany (capacity statements are dated that way)."""
    return moment.astimezone(BERLIN).date()
