"""Reactions of the matching service to other services' events, and their registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from matching_service import erasure, lifecycle, reactions, readmodels, responses
from shared.events.communication import (
    CallCompleted,
    CallFailed,
    CallScheduled,
    EmailSent,
    TherapistResponseRecorded,
)
from shared.events.envelope import Envelope, parse_payload
from shared.events.patient import EVENTS_BY_KIND, PatientErased
from shared.events.therapist import TherapistCreated, TherapistUpdated
from shared.http.app_factory import ServiceContext
from shared.kafka.consumer import Handler

SOURCE_SERVICES: list[str] = ["patient_service", "therapist_service", "communication_service"]
THERAPIST_PARTS = {  # event type → (timestamp column of the part, new values)
    "therapist.blocked": ("status_at", {"status": "blocked"}),
    "therapist.unblocked": ("status_at", {"status": "active"}),
    "therapist.deactivated": ("status_at", {"status": "inactive"}),
}
Apply = Callable[[ServiceContext, Session, Envelope, Any], None]


def on_patient(ctx: ServiceContext, session: Session, envelope: Envelope, event: Any) -> None:
    """Store the profile (unless stale), then fill or cancel by the stored status."""
    if readmodels.apply_patient(session, event, envelope.occurred_at):
        reactions.after_patient_change(
            session, ctx, event.patient_id, envelope.event_type, ctx.clock.now()
        )


def on_therapist_profile(
    ctx: ServiceContext, session: Session, envelope: Envelope, event: Any
) -> None:
    """Created / updated: store each newer part, then react to the stored state."""
    readmodels.apply_therapist_profile(session, event, envelope.occurred_at)
    reactions.after_therapist_change(
        session, ctx, event.therapist_id, envelope.event_type, ctx.clock.now()
    )


def on_therapist_part(
    ctx: ServiceContext, session: Session, envelope: Envelope, event: Any
) -> None:
    """Blocked / unblocked / deactivated / capacity changed."""
    if envelope.event_type == "therapist.capacity_changed":
        stamp = "capacity_at"
        values = {
            "accepting_new_patients": event.accepting_new_patients.value,
            "capacity_as_of": event.as_of,
        }
    else:
        stamp, values = THERAPIST_PARTS[envelope.event_type]
    readmodels.apply_therapist_part(
        session, event.therapist_id, stamp, values, envelope.occurred_at
    )
    reactions.after_therapist_change(
        session, ctx, event.therapist_id, envelope.event_type, ctx.clock.now()
    )


def on_contact(ctx: ServiceContext, session: Session, envelope: Envelope, event: Any) -> None:
    """E-mail sent, call scheduled or completed: requests move to contacted / follow-up."""
    kind = envelope.event_type.removeprefix("communication.")
    at = {EmailSent: "sent_at", CallScheduled: "scheduled_for", CallCompleted: "completed_at"}
    when = getattr(event, at[type(event)]) or envelope.occurred_at
    lifecycle.apply_contact(
        session, ctx, kind, event.therapist_id, event.placement_request_ids, when, ctx.clock.now()
    )


def on_call_failed(
    ctx: ServiceContext, session: Session, envelope: Envelope, event: CallFailed
) -> None:
    """After the last failed attempt the call's open requests end as no_response."""
    if not event.final:
        return
    now = ctx.clock.now()
    patients = lifecycle.mark_no_response(
        session, ctx, event.therapist_id, event.placement_request_ids, now
    )
    reactions.refill(session, ctx, patients, envelope.event_type, now)


def on_response(
    ctx: ServiceContext, session: Session, envelope: Envelope, event: TherapistResponseRecorded
) -> None:
    """Answers: placement or rejection, cooling; then refill the patients still searching."""
    now = ctx.clock.now()
    patients = responses.apply_response(session, ctx, event, now)
    reactions.refill(session, ctx, patients, envelope.event_type, now)


ROUTES: dict[str, Apply] = {
    **{cls.event_type: on_patient for cls in EVENTS_BY_KIND.values()},
    TherapistCreated.event_type: on_therapist_profile,
    TherapistUpdated.event_type: on_therapist_profile,
    "therapist.capacity_changed": on_therapist_part,
    **{name: on_therapist_part for name in THERAPIST_PARTS},
    EmailSent.event_type: on_contact,
    CallScheduled.event_type: on_contact,
    CallCompleted.event_type: on_contact,
    CallFailed.event_type: on_call_failed,
    TherapistResponseRecorded.event_type: on_response,
    PatientErased.event_type: erasure.erase_patient,
}


def build_handlers(ctx: ServiceContext) -> dict[str, Handler]:
    """One consumer handler per event type, bound to the service context."""

    def bind(apply: Apply) -> Handler:
        def handle(session: Session, envelope: Envelope) -> None:
            event = parse_payload(envelope)
            if event is not None:
                apply(ctx, session, envelope, event)

        return handle

    return {event_type: bind(apply) for event_type, apply in ROUTES.items()}
