"""The events of the matching service, built from stored rows (recorded by the use cases)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from matching_service.domain.states import RequestStatus
from shared.events.envelope import DomainEvent
from shared.events.matching import (
    AcceptanceHeld,
    MatchingPatientErased,
    PlacementConfirmed,
    PlacementRequestCancelled,
    PlacementRequestExpired,
    PlacementRequestStatusChanged,
    TherapistCoolingLifted,
    TherapistCoolingStarted,
)

Row = Mapping[str, Any]
EXPIRING = (RequestStatus.EXPIRED, RequestStatus.NO_RESPONSE)


def patient_summary(patient: Row) -> dict[str, Any]:
    """What communication may tell a therapist about the patient (pseudonymous)."""
    started = patient["search_started_at"]
    return {
        "age": patient["age"],
        "gender": patient["gender"],
        "insurance_type": patient["insurance_type"],
        "complaint_groups": list(patient["complaint_groups"] or []),
        "availability": dict(patient["availability"] or {}),
        "urgent": patient["urgent"],
        "search_started_at": started.isoformat() if started else None,
    }


def _ids(request: Row) -> dict[str, Any]:
    return {
        "placement_request_id": request["id"],
        "patient_id": request["patient_id"],
        "therapist_id": request["therapist_id"],
        "previous_status": request["status"],
    }


def status_changed(
    request: Row, status: RequestStatus, reason: str | None, now: datetime
) -> DomainEvent:
    """The event of one request's move (`request`: the row before it): cancelled, expired
    (expired or no_response) or any other status change."""
    if status == RequestStatus.CANCELLED:
        return PlacementRequestCancelled(
            **_ids(request), reason=reason or "cancelled", cancelled_at=now
        )
    if status in EXPIRING:
        return PlacementRequestExpired(**_ids(request), status=status.value, expired_at=now)
    return PlacementRequestStatusChanged(
        **_ids(request), status=status.value, reason=reason, changed_at=now
    )


def placement_confirmed(request: Row, now: datetime) -> PlacementConfirmed:
    """The first acceptance: the patient has a place."""
    return PlacementConfirmed(
        patient_id=request["patient_id"],
        therapist_id=request["therapist_id"],
        placement_request_id=request["id"],
        confirmed_at=now,
    )


def cooling_started(
    therapist_id: int, response_id: int, starts_at: datetime, ends_at: datetime
) -> TherapistCoolingStarted:
    """A therapist answered: the cooling period runs until `ends_at`."""
    return TherapistCoolingStarted(
        therapist_id=therapist_id, response_id=response_id, starts_at=starts_at, ends_at=ends_at
    )


def cooling_lifted(therapist_id: int, now: datetime, by: str) -> TherapistCoolingLifted:
    """Staff lifted the therapist's cooling period."""
    return TherapistCoolingLifted(therapist_id=therapist_id, lifted_at=now, lifted_by=by)


def patient_erased(patient_id: int, counts: dict[str, int], now: datetime) -> MatchingPatientErased:
    """Matching's part of an erasure is done (with what it removed)."""
    return MatchingPatientErased(patient_id=patient_id, completed_at=now, counts=counts)


def acceptance_held(
    request: Row, response_id: int, patient_status: str, now: datetime
) -> AcceptanceHeld:
    """An acceptance not applied because the patient was not searching (staff decide)."""
    return AcceptanceHeld(
        therapist_id=request["therapist_id"],
        patient_id=request["patient_id"],
        placement_request_id=request["id"],
        response_id=response_id,
        patient_status=patient_status,
        held_at=now,
    )
