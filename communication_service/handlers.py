"""Reactions of the communication service to other services' events, and their registry.

Each handler parses the payload and runs one use case inside the consumer's transaction (the
consumer commits after it).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from communication_service.context import CommunicationContext
from communication_service.services import (
    erasure,
    held_acceptances,
    patients,
    requests,
    therapists,
)
from shared.events.envelope import Envelope, parse_payload
from shared.events.matching import (
    AcceptanceHeld,
    PlacementConfirmed,
    PlacementRequestCancelled,
    PlacementRequestExpired,
    PlacementRequestsCreated,
    PlacementRequestStatusChanged,
    TherapistCoolingLifted,
    TherapistCoolingStarted,
)
from shared.events.patient import (
    EVENTS_BY_KIND,
    PatientErased,
    PatientPlaced,
    PatientRegistered,
    PatientSearchCancelled,
    PatientSearchPaused,
    PatientSearchStarted,
)
from shared.events.therapist import TherapistCreated, TherapistUpdated
from shared.events.topics import SUBSCRIPTIONS

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from shared.kafka.consumer import Handler

    React = Callable[[CommunicationContext, Session, Envelope, Any], None]

# The producers this service consumes: declared once, beside the topics, for the worker and
# the web app's GET /api/pipeline.
SOURCE_SERVICES = SUBSCRIPTIONS["communication_service"]
PATIENT_TEMPLATES = {
    PatientRegistered.event_type: "patient_registration_confirmation",
    PatientSearchStarted.event_type: "patient_search_started",
    PatientSearchPaused.event_type: "patient_search_paused",
    PatientSearchCancelled.event_type: "patient_search_ended",
    # Only once the patient service has confirmed the place (matching's placement or staff's).
    PatientPlaced.event_type: "patient_placement_found",
}
STATUS_EVENTS = {
    "therapist.blocked": "blocked",
    "therapist.unblocked": "active",
    "therapist.deactivated": "inactive",
}


def on_requests_created(
    ctx: CommunicationContext,
    session: Session,
    envelope: Envelope,
    event: PlacementRequestsCreated,
) -> None:
    """Store the new requests and plan their therapists' outreach at once."""
    uow = ctx.unit_of_work_on(session)
    requests.take_new_requests(
        uow, ctx.clock, ctx.outreach_rules, list(event.requests), event.run_id
    )


def on_request_cancelled(
    ctx: CommunicationContext,
    session: Session,
    envelope: Envelope,
    event: PlacementRequestCancelled,
) -> None:
    """Out of unsent e-mails; a late acceptance gets the "place already taken" e-mail."""
    uow = ctx.unit_of_work_on(session)
    requests.cancel_request(
        uow, ctx.clock, event.placement_request_id, event.therapist_id, event.reason
    )


def on_request_closed(
    ctx: CommunicationContext, session: Session, envelope: Envelope, event: Any
) -> None:
    """Expired (no status) or a new status from matching: closed when the status is final."""
    status = getattr(event, "status", "expired")
    uow = ctx.unit_of_work_on(session)
    requests.close_request(uow, ctx.clock, event.placement_request_id, status)


def on_placement_confirmed(
    ctx: CommunicationContext, session: Session, envelope: Envelope, event: PlacementConfirmed
) -> None:
    """The patient's other requests leave unsent e-mails; the patient hears the good news."""
    uow = ctx.unit_of_work_on(session)
    requests.confirm_placement(
        uow, ctx.clock, event.placement_request_id, event.patient_id, event.therapist_id
    )


def on_acceptance_held(
    ctx: CommunicationContext, session: Session, envelope: Envelope, event: AcceptanceHeld
) -> None:
    """An acceptance matching did not apply (patient not searching): staff see it."""
    held_acceptances.hold_for_staff(ctx.unit_of_work_on(session), ctx.clock, event)


def on_cooling_started(
    ctx: CommunicationContext,
    session: Session,
    envelope: Envelope,
    event: TherapistCoolingStarted,
) -> None:
    """Matching's cooling period (the same response id as ours is stored once)."""
    uow = ctx.unit_of_work_on(session)
    therapists.start_cooling(
        uow, ctx.clock, event.therapist_id, event.response_id, event.starts_at, event.ends_at
    )


def on_cooling_lifted(
    ctx: CommunicationContext, session: Session, envelope: Envelope, event: TherapistCoolingLifted
) -> None:
    """Staff lifted the cooling period: the therapist may be contacted again."""
    uow = ctx.unit_of_work_on(session)
    therapists.lift_cooling(
        uow, ctx.clock, ctx.outreach_rules, event.therapist_id, event.lifted_at, event.lifted_by
    )


def on_patient(ctx: CommunicationContext, session: Session, envelope: Envelope, event: Any) -> None:
    """The patient's status is kept; registration, search started, paused, ended: an e-mail."""
    patients.patient_changed(
        ctx.unit_of_work_on(session),
        ctx.clock,
        event.patient_id,
        event.status.value,
        envelope.occurred_at,
        PATIENT_TEMPLATES.get(envelope.event_type),
        {"therapist_id": event.therapist_id} if isinstance(event, PatientPlaced) else None,
        (event.urgent, event.age),
    )


def on_therapist_profile(
    ctx: CommunicationContext, session: Session, envelope: Envelope, event: Any
) -> None:
    """Contact preferences changed: waiting requests may now go out (or go by phone)."""
    uow = ctx.unit_of_work_on(session)
    therapists.apply_profile(uow, ctx.clock, ctx.outreach_rules, event, envelope.occurred_at)


def on_therapist_status(
    ctx: CommunicationContext, session: Session, envelope: Envelope, event: Any
) -> None:
    """Blocked, unblocked or deactivated; a therapist no longer active gets no calls."""
    status = STATUS_EVENTS[envelope.event_type]
    uow = ctx.unit_of_work_on(session)
    therapists.change_status(uow, ctx.clock, event.therapist_id, status, envelope.occurred_at)


def on_patient_erased(
    ctx: CommunicationContext, session: Session, envelope: Envelope, event: PatientErased
) -> None:
    """patient.erased: withdraw, scrub e-mails, calls and answers, report back."""
    erasure.erase_patient(ctx.unit_of_work_on(session), ctx.clock, event.patient_id)


REACTIONS: dict[str, React] = {
    PlacementRequestsCreated.event_type: on_requests_created,
    PlacementRequestCancelled.event_type: on_request_cancelled,
    PlacementRequestExpired.event_type: on_request_closed,
    PlacementRequestStatusChanged.event_type: on_request_closed,
    PlacementConfirmed.event_type: on_placement_confirmed,
    AcceptanceHeld.event_type: on_acceptance_held,
    TherapistCoolingStarted.event_type: on_cooling_started,
    TherapistCoolingLifted.event_type: on_cooling_lifted,
    TherapistCreated.event_type: on_therapist_profile,
    TherapistUpdated.event_type: on_therapist_profile,
    **{name: on_therapist_status for name in STATUS_EVENTS},
    **{kind.event_type: on_patient for kind in EVENTS_BY_KIND.values()},
    PatientErased.event_type: on_patient_erased,
}


def _bound(ctx: CommunicationContext, react: React, session: Session, envelope: Envelope) -> None:
    event = parse_payload(envelope)
    if event is not None:
        react(ctx, session, envelope, event)


def build_handlers(ctx: CommunicationContext) -> dict[str, Handler]:
    """The registry, bound to the service context; the consumer loop owns each transaction."""
    return {name: functools.partial(_bound, ctx, react) for name, react in REACTIONS.items()}
