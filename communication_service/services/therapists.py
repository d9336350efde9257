"""Reactions to therapist events and matching's cooling periods: the read model changes, and a
therapist no longer reachable gets no calls (waiting requests may now go out)."""

from __future__ import annotations

from datetime import datetime

from communication_service.domain.outreach import OutreachRules
from communication_service.services import calls
from communication_service.services.outreach import plan_for
from communication_service.services.withdrawals import release_unsent_outreach
from communication_service.store.unit_of_work import CommunicationUnitOfWork
from shared.clock import Clock
from shared.events.therapist import TherapistProfile

ACTIVE = "active"


def apply_profile(
    uow: CommunicationUnitOfWork,
    clock: Clock,
    rules: OutreachRules,
    profile: TherapistProfile,
    occurred_at: datetime,
) -> dict[str, int]:
    """Contact preferences changed: waiting requests may now go out (or go by phone)."""
    with uow:
        if not uow.therapists.apply_profile(profile, occurred_at):
            uow.commit()
            return {}
        now = clock.now()
        if profile.opted_out or profile.status.value != ACTIVE:
            calls.cancel_for_therapist(uow, profile.therapist_id, now, "not_reachable")
        counts = plan_for(uow, {profile.therapist_id}, now, rules)
        uow.commit()
    return counts


def change_status(
    uow: CommunicationUnitOfWork,
    clock: Clock,
    therapist_id: int,
    status: str,
    occurred_at: datetime,
) -> None:
    """Blocked, unblocked or deactivated; a therapist no longer active gets no calls."""
    with uow:
        uow.therapists.apply_status(therapist_id, status, occurred_at)
        if status != ACTIVE:
            calls.cancel_for_therapist(uow, therapist_id, clock.now(), f"therapist_{status}")
        uow.commit()


def start_cooling(
    uow: CommunicationUnitOfWork,
    clock: Clock,
    therapist_id: int,
    response_id: int,
    starts_at: datetime,
    ends_at: datetime,
) -> bool:
    """Matching's cooling period (the same response id as ours is stored once); True if new."""
    with uow:
        started = uow.cooling.store(therapist_id, response_id, starts_at, ends_at)
        if started:
            release_unsent_outreach(uow, therapist_id, clock.now())
        uow.commit()
    return started


def lift_cooling(
    uow: CommunicationUnitOfWork,
    clock: Clock,
    rules: OutreachRules,
    therapist_id: int,
    lifted_at: datetime,
    lifted_by: str,
) -> dict[str, int]:
    """Staff lifted the cooling period in matching: the running periods end as lifted, and the
    waiting requests may go out now."""
    with uow:
        if not uow.cooling.lift(therapist_id, lifted_at, lifted_by):
            uow.commit()
            return {}
        counts = plan_for(uow, {therapist_id}, clock.now(), rules)
        uow.commit()
    return counts
