"""Events of the matching service, written to the outbox inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from shared.events.envelope import Envelope
from shared.events.matching import (
    PlacementConfirmed,
    PlacementRequestCancelled,
    PlacementRequestExpired,
    PlacementRequestsCreated,
    PlacementRequestStatusChanged,
    TherapistCoolingStarted,
)
from shared.http.app_factory import ServiceContext

Row = Mapping[str, Any]


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


def requests_created(
    session: Session,
    ctx: ServiceContext,
    run_id: int,
    part: int,
    items: Sequence[dict[str, Any]],
    now: datetime,
) -> None:
    """One part of a run's new requests (payload built directly: this is the hot path)."""
    envelope = Envelope(
        event_id=str(uuid.uuid4()),
        event_type=PlacementRequestsCreated.event_type,
        event_version=PlacementRequestsCreated.event_version,
        occurred_at=now,
        producer=ctx.settings.service_name,
        payload={
            "run_id": run_id,
            "part": part,
            "created_at": now.isoformat(),
            "requests": list(items),
        },
    )
    ctx.outbox.add_envelope(session, envelope, f"matching_run:{run_id}")


def _ids(request: Row) -> dict[str, Any]:
    return {
        "placement_request_id": request["id"],
        "patient_id": request["patient_id"],
        "therapist_id": request["therapist_id"],
        "previous_status": request["status"],
    }


def request_cancelled(
    session: Session, ctx: ServiceContext, request: Row, reason: str, now: datetime
) -> None:
    """An open request was cancelled."""
    event = PlacementRequestCancelled(**_ids(request), reason=reason, cancelled_at=now)
    ctx.outbox.add(session, event, now)


def request_expired(
    session: Session, ctx: ServiceContext, request: Row, status: str, now: datetime
) -> None:
    """A request ended without an answer (expired or no_response)."""
    ctx.outbox.add(
        session, PlacementRequestExpired(**_ids(request), status=status, expired_at=now), now
    )


def status_changed(
    session: Session,
    ctx: ServiceContext,
    request: Row,
    status: str,
    reason: str | None,
    now: datetime,
) -> None:
    """Any other status change of a request."""
    event = PlacementRequestStatusChanged(
        **_ids(request), status=status, reason=reason, changed_at=now
    )
    ctx.outbox.add(session, event, now)


def placement_confirmed(session: Session, ctx: ServiceContext, request: Row, now: datetime) -> None:
    """The first acceptance: the patient has a place."""
    event = PlacementConfirmed(
        patient_id=request["patient_id"],
        therapist_id=request["therapist_id"],
        placement_request_id=request["id"],
        confirmed_at=now,
    )
    ctx.outbox.add(session, event, now)


def cooling_started(
    session: Session,
    ctx: ServiceContext,
    therapist_id: int,
    response_id: int,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> None:
    """A therapist answered: the cooling period runs until `ends_at`."""
    event = TherapistCoolingStarted(
        therapist_id=therapist_id, response_id=response_id, starts_at=starts_at, ends_at=ends_at
    )
    ctx.outbox.add(session, event, now)
