"""Capacity use cases: staff statements and `rejected_no_capacity` answers from communication."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from shared.clock import Clock
from shared.events.communication import TherapistResponseRecorded
from shared.vocabulary import Capacity
from therapist_service.context import TherapistContext
from therapist_service.domain.lifecycle import berlin_date, capacity_applies, capacity_from_outcomes
from therapist_service.services.therapists import Row, locked
from therapist_service.store import events
from therapist_service.store.events import CapacitySource
from therapist_service.store.unit_of_work import TherapistUnitOfWork

log = logging.getLogger(__name__)
RESPONSE_ACTOR = "communication_service"


def set_capacity(
    ctx: TherapistContext,
    therapist_id: int,
    capacity: Capacity,
    as_of: date | None,
    actor: str,
) -> Row:
    """Staff record whether the therapist accepts new patients (as of a date, default today)."""
    with ctx.unit_of_work() as uow:
        now = ctx.clock.now()
        row = locked(uow, therapist_id)
        new = record_capacity(uow, row, capacity, as_of or berlin_date(now), "staff", actor, now)
        uow.commit()
    return new


def apply_response(uow: TherapistUnitOfWork, clock: Clock, event: TherapistResponseRecorded) -> str:
    """A `rejected_no_capacity` answer sets capacity `no` as of the answer's (Berlin) date:
    applied | no_news | unknown | stale."""
    capacity = capacity_from_outcomes(item.outcome for item in event.outcomes)
    if capacity is None:
        return "no_news"
    with uow:
        row = uow.therapists.get(event.therapist_id, lock=True)
        if row is None:
            log.info("response for unknown therapist %s ignored", event.therapist_id)
            return "unknown"
        as_of = berlin_date(event.recorded_at)
        if not capacity_applies(row["capacity_as_of"], as_of):
            return "stale"
        record_capacity(uow, row, capacity, as_of, "response", RESPONSE_ACTOR, clock.now())
        uow.commit()
    return "applied"


def record_capacity(
    uow: TherapistUnitOfWork,
    row: Row,
    capacity: Capacity,
    as_of: date,
    source: CapacitySource,
    actor: str,
    now: datetime,
) -> Row:
    """Store a capacity statement, audit it and publish `therapist.capacity_changed`."""
    if row["accepting_new_patients"] == capacity and row["capacity_as_of"] == as_of:
        return row
    therapist_id = row["id"]
    new = uow.therapists.update(
        therapist_id,
        {"accepting_new_patients": capacity.value, "capacity_as_of": as_of, "updated_at": now},
    )
    details = _capacity_details(row, capacity, as_of, source)
    uow.audit.add(therapist_id, actor, "capacity_changed", details, now)
    uow.events.add(events.capacity_changed(therapist_id, capacity, as_of, source), now)
    return new


def _capacity_details(row: Row, capacity: Capacity, as_of: date, source: str) -> dict[str, Any]:
    """The audit form of a capacity statement: old and new value with their dates."""
    old_as_of = row["capacity_as_of"]
    return {
        "old": {
            "accepting_new_patients": row["accepting_new_patients"],
            "as_of": old_as_of.isoformat() if old_as_of else None,
        },
        "new": {"accepting_new_patients": capacity.value, "as_of": as_of.isoformat()},
        "source": source,
    }
