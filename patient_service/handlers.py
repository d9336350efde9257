"""Reactions of the patient service to other services' events, and their registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from patient_service.context import PatientContext
from patient_service.services import erasure, placement, timeline
from shared.events.communication import CommunicationPatientErased, TherapistResponseRecorded
from shared.events.envelope import Envelope
from shared.events.geocoding import GeocodingPatientErased
from shared.events.matching import MatchingPatientErased, PlacementConfirmed
from shared.events.patient import ErasureCompleted
from shared.events.topics import SUBSCRIPTIONS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from shared.kafka.consumer import Handler

# The producers this service consumes: declared once, beside the topics, for the worker and
# the web app's GET /api/pipeline.
SOURCE_SERVICES = SUBSCRIPTIONS["patient_service"]
ERASURE_EVENTS: dict[str, type[ErasureCompleted]] = {
    kind.event_type: kind
    for kind in (MatchingPatientErased, CommunicationPatientErased, GeocodingPatientErased)
}


def build_handlers(ctx: PatientContext) -> dict[str, Handler]:
    """Event type → handler, bound to this process's context."""

    def placement_confirmed(session: Session, envelope: Envelope) -> None:
        """matching.placement_confirmed → the patient is placed (a repeat changes nothing)."""
        event = PlacementConfirmed.model_validate(envelope.payload)
        placement.confirm_placement(ctx.unit_of_work_on(session), ctx.clock, event, envelope)

    def therapist_response_recorded(session: Session, envelope: Envelope) -> None:
        """A therapist's answer about some patients goes onto each patient's timeline."""
        event = TherapistResponseRecorded.model_validate(envelope.payload)
        timeline.record_therapist_response(ctx.unit_of_work_on(session), event, envelope)

    def erasure_completed(session: Session, envelope: Envelope) -> None:
        """Another service finished erasing a patient: record when (a repeat changes nothing)."""
        event = ERASURE_EVENTS[envelope.event_type].model_validate(envelope.payload)
        erasure.record_completion(ctx.unit_of_work_on(session), envelope.producer, event)

    return {
        PlacementConfirmed.event_type: placement_confirmed,
        TherapistResponseRecorded.event_type: therapist_response_recorded,
        **dict.fromkeys(ERASURE_EVENTS, erasure_completed),
    }
