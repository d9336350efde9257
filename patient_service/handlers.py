"""Reactions of the patient service to other services' events, and their registry."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.orm import Session

from patient_service import erasure, records, services
from shared.events.communication import CommunicationPatientErased, TherapistResponseRecorded
from shared.events.envelope import Envelope
from shared.events.geocoding import GeocodingPatientErased
from shared.events.matching import MatchingPatientErased, PlacementConfirmed
from shared.events.patient import ErasureCompleted
from shared.http.app_factory import ServiceContext
from shared.kafka.consumer import Handler

log = logging.getLogger(__name__)

SOURCE_SERVICES: list[str] = ["matching_service", "communication_service", "geocoding_service"]
ERASURE_EVENTS: tuple[type[ErasureCompleted], ...] = (
    MatchingPatientErased,
    CommunicationPatientErased,
    GeocodingPatientErased,
)


def build_handlers(ctx: ServiceContext) -> dict[str, Handler]:
    """Event type → handler, bound to this process's context."""
    return {
        PlacementConfirmed.event_type: placement_confirmed(ctx),
        TherapistResponseRecorded.event_type: therapist_response_recorded,
        **{cls.event_type: erasure_completed for cls in ERASURE_EVENTS},
    }


def placement_confirmed(ctx: ServiceContext) -> Callable[[Session, Envelope], None]:
    """matching.placement_confirmed → the patient is placed (a repeat changes nothing)."""

    def handle(session: Session, envelope: Envelope) -> None:
        event = PlacementConfirmed.model_validate(envelope.payload)
        outcome = services.apply_placement(
            ctx,
            session,
            event.patient_id,
            event.therapist_id,
            event.confirmed_at,
            event.placement_request_id,
        )
        if outcome == "unknown_patient":
            log.warning("placement for unknown patient %s ignored", event.patient_id)
            return
        if outcome == "unchanged":
            return
        summary = {
            "therapist_id": event.therapist_id,
            "outcome": outcome,
            "placement_request_id": event.placement_request_id,
        }
        records.log_event(session, event.patient_id, envelope, summary)

    return handle


def therapist_response_recorded(session: Session, envelope: Envelope) -> None:
    """A therapist's answer about some patients goes onto each patient's timeline."""
    event = TherapistResponseRecorded.model_validate(envelope.payload)
    for item in event.outcomes:
        if records.load(session, item.patient_id) is None:
            continue
        records.log_event(
            session,
            item.patient_id,
            envelope,
            {
                "therapist_id": event.therapist_id,
                "channel": event.channel.value,
                "outcome": item.outcome.value,
                "placement_request_id": item.placement_request_id,
            },
        )


def erasure_completed(session: Session, envelope: Envelope) -> None:
    """Another service finished erasing a patient: record when (a repeat changes nothing)."""
    cls = next(c for c in ERASURE_EVENTS if c.event_type == envelope.event_type)
    event = cls.model_validate(envelope.payload)
    if not erasure.record_completion(session, envelope.producer, event):
        log.info(
            "erasure completion of %s for %s already recorded", envelope.producer, event.patient_id
        )
