"""Staff lift a therapist's running cooling period (audited): outreach may contact them again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from matching_service.domain.errors import LiftReasonMissing, NothingCooling, TherapistNotFound
from matching_service.store import events
from matching_service.store.unit_of_work import MatchingUnitOfWork


def lift_cooling(
    uow: MatchingUnitOfWork, therapist_id: int, reason: str | None, actor: str, now: datetime
) -> dict[str, Any]:
    """Every period running at `now` ends as lifted; communication hears of it by
    matching.therapist_cooling_lifted. 400 without a reason, 404 unknown, 409 nothing cooling."""
    reason = (reason or "").strip()
    if not reason:
        raise LiftReasonMissing()
    with uow:
        if uow.therapists.get(therapist_id) is None:
            raise TherapistNotFound(therapist_id)
        lifted = uow.therapists.lift_cooling(therapist_id, now, actor, reason)
        if not lifted:
            raise NothingCooling(therapist_id)
        uow.events.add(events.cooling_lifted(therapist_id, now, actor), now)
        uow.commit()
    return {"therapist_id": therapist_id, "lifted_periods": lifted, "lifted_at": now.isoformat()}
