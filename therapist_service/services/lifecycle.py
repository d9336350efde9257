"""Status use case: staff block, unblock, deactivate or reactivate a therapist."""

from __future__ import annotations

from shared.vocabulary import TherapistStatus
from therapist_service.context import TherapistContext
from therapist_service.domain.errors import TransitionNotAllowed
from therapist_service.domain.fields import FieldChange
from therapist_service.domain.lifecycle import STAFF, can_transition, status_values
from therapist_service.services.therapists import Row, locked, record_staff_changes
from therapist_service.store import events


def change_status(
    ctx: TherapistContext,
    therapist_id: int,
    target: TherapistStatus,
    reason: str | None,
    actor: str,
) -> Row:
    """Block, unblock, deactivate or reactivate (invalid transitions → TransitionNotAllowed)."""
    with ctx.unit_of_work() as uow:
        row = locked(uow, therapist_id)
        old = TherapistStatus(row["status"])
        if not can_transition(old, target):
            raise TransitionNotAllowed(old, target)
        if old == target and row["status_reason"] == reason:
            return row
        now = ctx.clock.now()
        values = status_values(target, reason, STAFF, row["block_reason"], now)
        new = uow.therapists.update(therapist_id, values)
        change = FieldChange("status", old.value, target.value)
        record_staff_changes(uow, therapist_id, [change], actor, now)
        if old != target:
            uow.events.add(events.status_changed(old.value, new, now), now)
        uow.commit()
    return new
