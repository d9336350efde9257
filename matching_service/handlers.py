"""Event type → use case of the matching service (each handler parses and calls one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from matching_service.context import MatchingContext
from matching_service.services import erasure, updates
from matching_service.services.fill import fill_settings_of
from shared.events.communication import (
    CallCompleted,
    CallFailed,
    CallScheduled,
    EmailFailed,
    EmailSent,
    TherapistResponseRecorded,
)
from shared.events.envelope import Envelope, parse_payload
from shared.events.patient import EVENTS_BY_KIND, PatientErased, PatientPlacementRefused
from shared.events.therapist import TherapistCreated, TherapistUpdated
from shared.events.topics import SUBSCRIPTIONS

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from shared.kafka.consumer import Handler

# The producers this service consumes: declared once, beside the topics, for the worker and
# the web app's GET /api/pipeline.
SOURCE_SERVICES = SUBSCRIPTIONS["matching_service"]
THERAPIST_PARTS = {  # event type → (timestamp column of the part, new values)
    "therapist.blocked": ("status_at", {"status": "blocked"}),
    "therapist.unblocked": ("status_at", {"status": "active"}),
    "therapist.deactivated": ("status_at", {"status": "inactive"}),
}
CONTACT_TIMES = {
    EmailSent: "sent_at",
    CallScheduled: "scheduled_for",
    CallCompleted: "completed_at",
}


def build_handlers(ctx: MatchingContext) -> dict[str, Handler]:
    """Event type → handler, bound to this process's context."""
    fill = fill_settings_of(ctx)

    def on_patient(session: Session, envelope: Envelope, event: Any) -> None:
        uow = ctx.unit_of_work_on(session)
        updates.patient_changed(
            uow, fill, event, envelope.event_type, envelope.occurred_at, ctx.clock.now()
        )

    def on_therapist_profile(session: Session, envelope: Envelope, event: Any) -> None:
        uow = ctx.unit_of_work_on(session)
        updates.therapist_profile_changed(
            uow, fill, event, envelope.event_type, envelope.occurred_at, ctx.clock.now()
        )

    def on_therapist_part(session: Session, envelope: Envelope, event: Any) -> None:
        updates.therapist_part_changed(
            ctx.unit_of_work_on(session),
            fill,
            event.therapist_id,
            _part_of(envelope.event_type, event),
            envelope.event_type,
            envelope.occurred_at,
            ctx.clock.now(),
        )

    def on_contact(session: Session, envelope: Envelope, event: Any) -> None:
        kind = envelope.event_type.removeprefix("communication.")
        at = getattr(event, CONTACT_TIMES[type(event)]) or envelope.occurred_at
        updates.contact_made(
            ctx.unit_of_work_on(session),
            kind,
            event.therapist_id,
            event.placement_request_ids,
            at,
            ctx.clock.now(),
        )

    def on_call_failed(session: Session, envelope: Envelope, event: CallFailed) -> None:
        if not event.final:
            return
        updates.call_attempts_exhausted(
            ctx.unit_of_work_on(session),
            fill,
            event.therapist_id,
            event.placement_request_ids,
            envelope.event_type,
            ctx.clock.now(),
        )

    def on_email_failed(session: Session, envelope: Envelope, event: EmailFailed) -> None:
        if event.therapist_id is None or not event.released_request_ids:
            return
        updates.outreach_failed(
            ctx.unit_of_work_on(session),
            fill,
            event.therapist_id,
            event.released_request_ids,
            envelope.event_type,
            ctx.clock.now(),
        )

    def on_response(session: Session, envelope: Envelope, event: TherapistResponseRecorded) -> None:
        updates.response_recorded(
            ctx.unit_of_work_on(session), fill, event, envelope.event_type, ctx.clock.now()
        )

    def on_placement_refused(
        session: Session, envelope: Envelope, event: PatientPlacementRefused
    ) -> None:
        updates.placement_refused(ctx.unit_of_work_on(session), fill, event, ctx.clock.now())

    def on_erased(session: Session, envelope: Envelope, event: PatientErased) -> None:
        erasure.erase_patient(ctx.unit_of_work_on(session), event.patient_id, ctx.clock.now())

    routes: dict[str, Callable[[Session, Envelope, Any], None]] = {
        **{kind.event_type: on_patient for kind in EVENTS_BY_KIND.values()},
        TherapistCreated.event_type: on_therapist_profile,
        TherapistUpdated.event_type: on_therapist_profile,
        "therapist.capacity_changed": on_therapist_part,
        **{event_type: on_therapist_part for event_type in THERAPIST_PARTS},
        EmailSent.event_type: on_contact,
        CallScheduled.event_type: on_contact,
        CallCompleted.event_type: on_contact,
        CallFailed.event_type: on_call_failed,
        EmailFailed.event_type: on_email_failed,
        TherapistResponseRecorded.event_type: on_response,
        PatientPlacementRefused.event_type: on_placement_refused,
        PatientErased.event_type: on_erased,
    }
    return {event_type: _parsed(apply) for event_type, apply in routes.items()}


def _part_of(event_type: str, event: Any) -> tuple[str, dict[str, Any]]:
    """The therapist part an event changes: its timestamp column and new values."""
    if event_type == "therapist.capacity_changed":
        values = {
            "accepting_new_patients": event.accepting_new_patients.value,
            "capacity_as_of": event.as_of,
        }
        return "capacity_at", values
    return THERAPIST_PARTS[event_type]


def _parsed(apply: Callable[[Session, Envelope, Any], None]) -> Handler:
    """A handler that parses the payload first (an unknown version is skipped)."""

    def handle(session: Session, envelope: Envelope) -> None:
        event = parse_payload(envelope)
        if event is not None:
            apply(session, envelope, event)

    return handle
