"""Reactions of the communication service to other services' events, and their registry.

Each handler runs inside the consumer's transaction (the consumer commits after it).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from communication_service import (
    calls,
    erasure,
    labels,
    outreach,
    readmodels,
    services,
    withdrawals,
)
from communication_service.context import CommunicationContext
from communication_service.domain import RequestState
from shared.events.envelope import Envelope, parse_payload
from shared.events.matching import (
    PlacementConfirmed,
    PlacementRequestCancelled,
    PlacementRequestExpired,
    PlacementRequestsCreated,
    PlacementRequestStatusChanged,
    TherapistCoolingStarted,
)
from shared.events.patient import (
    PatientErased,
    PatientRegistered,
    PatientSearchCancelled,
    PatientSearchPaused,
    PatientSearchStarted,
)
from shared.events.therapist import TherapistCreated, TherapistUpdated
from shared.kafka.consumer import Handler

SOURCE_SERVICES: list[str] = ["matching_service", "therapist_service", "patient_service"]
TERMINAL_STATUSES = {"accepted", "rejected", "no_response", "expired", "cancelled"}
PATIENT_TEMPLATES = {
    PatientRegistered.event_type: "patient_registration_confirmation",
    PatientSearchStarted.event_type: "patient_search_started",
    PatientSearchPaused.event_type: "patient_search_paused",
    PatientSearchCancelled.event_type: "patient_search_ended",
}
STATUS_EVENTS = {
    "therapist.blocked": "blocked",
    "therapist.unblocked": "active",
    "therapist.deactivated": "inactive",
}
React = Callable[[CommunicationContext, Session, Envelope, Any], None]


def on_requests_created(
    ctx: CommunicationContext, session: Session, envelope: Envelope, event: PlacementRequestsCreated
) -> None:
    """Store the new requests and plan their therapists' outreach at once."""
    now = ctx.clock.now()
    therapists = readmodels.store_requests(session, list(event.requests), event.run_id, now)
    services.plan_for(ctx, session, therapists, now)


def on_request_cancelled(
    ctx: CommunicationContext,
    session: Session,
    envelope: Envelope,
    event: PlacementRequestCancelled,
) -> None:
    """Out of unsent e-mails; a late acceptance gets the "place already taken" e-mail."""
    now = ctx.clock.now()
    withdrawals.withdraw(
        session, [event.placement_request_id], RequestState.CANCELLED, event.reason, now
    )
    if event.reason == "placed_elsewhere":
        outreach.create_email(
            session,
            "place_taken",
            "therapist_place_taken",
            now,
            therapist_id=event.therapist_id,
            context={"reference": labels.reference(event.placement_request_id)},
        )


def on_request_closed(
    ctx: CommunicationContext, session: Session, envelope: Envelope, event: Any
) -> None:
    """Expired or answered elsewhere: closed, and out of unsent e-mails."""
    status = getattr(event, "status", "expired")
    if status in TERMINAL_STATUSES:
        withdrawals.withdraw(
            session, [event.placement_request_id], RequestState.CLOSED, status, ctx.clock.now()
        )


def on_placement_confirmed(
    ctx: CommunicationContext, session: Session, envelope: Envelope, event: PlacementConfirmed
) -> None:
    """The patient's other requests leave unsent e-mails; the patient hears the good news."""
    now = ctx.clock.now()
    others = readmodels.open_request_ids(session, event.patient_id, keep=event.placement_request_id)
    withdrawals.withdraw(session, others, RequestState.CANCELLED, "patient_placed", now)
    withdrawals.withdraw(
        session, [event.placement_request_id], RequestState.CLOSED, "accepted", now
    )
    outreach.create_email(
        session,
        "patient",
        "patient_placement_found",
        now,
        patient_id=event.patient_id,
        context={"therapist_id": event.therapist_id},
    )


def on_cooling_started(
    ctx: CommunicationContext, session: Session, envelope: Envelope, event: TherapistCoolingStarted
) -> None:
    """Matching's cooling period (the same response id as ours is stored once)."""
    if readmodels.store_cooling(
        session, event.therapist_id, event.response_id, event.starts_at, event.ends_at
    ):
        withdrawals.release_unsent_outreach(session, event.therapist_id, ctx.clock.now())


def on_patient(ctx: CommunicationContext, session: Session, envelope: Envelope, event: Any) -> None:
    """Registration, search started, paused, ended: an e-mail to the patient."""
    outreach.create_email(
        session,
        "patient",
        PATIENT_TEMPLATES[envelope.event_type],
        ctx.clock.now(),
        patient_id=event.patient_id,
    )


def on_therapist_profile(
    ctx: CommunicationContext, session: Session, envelope: Envelope, event: Any
) -> None:
    """Contact preferences changed: waiting requests may now go out (or go by phone)."""
    if not readmodels.apply_therapist_profile(session, event, envelope.occurred_at):
        return
    if event.opted_out or event.status.value != "active":
        calls.cancel_for_therapist(session, event.therapist_id, ctx.clock.now(), "not_reachable")
    services.plan_for(ctx, session, {event.therapist_id}, ctx.clock.now())


def on_therapist_status(
    ctx: CommunicationContext, session: Session, envelope: Envelope, event: Any
) -> None:
    """Blocked, unblocked or deactivated; a therapist no longer active gets no calls."""
    status = STATUS_EVENTS[envelope.event_type]
    readmodels.apply_therapist_status(session, event.therapist_id, status, envelope.occurred_at)
    if status != "active":
        calls.cancel_for_therapist(
            session, event.therapist_id, ctx.clock.now(), f"therapist_{status}"
        )


REACTIONS: dict[str, React] = {
    PlacementRequestsCreated.event_type: on_requests_created,
    PlacementRequestCancelled.event_type: on_request_cancelled,
    PlacementRequestExpired.event_type: on_request_closed,
    PlacementRequestStatusChanged.event_type: on_request_closed,
    PlacementConfirmed.event_type: on_placement_confirmed,
    TherapistCoolingStarted.event_type: on_cooling_started,
    TherapistCreated.event_type: on_therapist_profile,
    TherapistUpdated.event_type: on_therapist_profile,
    **{name: on_therapist_status for name in STATUS_EVENTS},
    **{name: on_patient for name in PATIENT_TEMPLATES},
    PatientErased.event_type: erasure.erase_patient,
}


def _bound(ctx: CommunicationContext, react: React, session: Session, envelope: Envelope) -> None:
    event = parse_payload(envelope)
    if event is not None:
        react(ctx, session, envelope, event)


def build_handlers(ctx: CommunicationContext) -> dict[str, Handler]:
    """The registry, bound to the service context; the consumer loop owns each transaction."""
    return {name: functools.partial(_bound, ctx, react) for name, react in REACTIONS.items()}
