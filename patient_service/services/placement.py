"""Placement use case: matching confirmed a place, so a searching patient becomes placed."""

from __future__ import annotations

import logging
from datetime import datetime

from patient_service.domain.changes import audit_changes
from patient_service.domain.patients import Row
from patient_service.domain.placement import (
    APPLIED,
    REFUSED,
    UNCHANGED,
    UNKNOWN_PATIENT,
    placement_outcome,
    placement_values,
)
from patient_service.services.changes import emit, write
from patient_service.store import events
from patient_service.store.unit_of_work import PatientUnitOfWork
from shared.clock import Clock
from shared.events.envelope import Envelope
from shared.events.matching import PlacementConfirmed

log = logging.getLogger(__name__)
ACTOR = "matching_service"


def confirm_placement(
    uow: PatientUnitOfWork, clock: Clock, event: PlacementConfirmed, envelope: Envelope
) -> str:
    """matching.placement_confirmed → `applied`, or why not: `unchanged` (a repeat),
    `unknown_patient`, `erased`, `refused_in_status_<status>`. Every outcome but a repeat and
    an unknown patient goes onto the patient's timeline; a refusal (paused or cancelled
    meanwhile) is published as patient.placement_refused, so matching takes it back."""
    with uow:
        current = uow.patients.load(event.patient_id, for_update=True)
        outcome = placement_outcome(current, event.therapist_id)
        if current is not None and outcome == APPLIED:
            _place(uow, clock.now(), current, event)
        if current is not None and outcome.startswith(REFUSED):
            refusal = events.placement_refused(
                event.patient_id,
                event.therapist_id,
                event.placement_request_id,
                current["status"],
                clock.now(),
            )
            uow.events.add(refusal, clock.now())
        if outcome == UNKNOWN_PATIENT:
            log.warning("placement for unknown patient %s ignored", event.patient_id)
        elif outcome != UNCHANGED:
            _show_on_timeline(uow, event, envelope, outcome)
        uow.commit()
    return outcome


def _place(uow: PatientUnitOfWork, now: datetime, current: Row, event: PlacementConfirmed) -> None:
    row = write(uow, current, placement_values(event.therapist_id, event.confirmed_at, now))
    uow.timeline.add_audit(event.patient_id, now, ACTOR, "placed", audit_changes(current, row))
    emit(
        uow,
        "placed",
        row,
        now,
        therapist_id=event.therapist_id,
        placed_at=event.confirmed_at,
        placement_request_id=event.placement_request_id,
    )


def _show_on_timeline(
    uow: PatientUnitOfWork, event: PlacementConfirmed, envelope: Envelope, outcome: str
) -> None:
    summary = {
        "therapist_id": event.therapist_id,
        "outcome": outcome,
        "placement_request_id": event.placement_request_id,
    }
    uow.timeline.log_event(event.patient_id, envelope, summary)
