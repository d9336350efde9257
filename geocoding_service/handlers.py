"""Reactions of the geocoding service to other services' events, and their registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geocoding_service.context import GeocodingContext
from geocoding_service.services import erasure
from shared.events.envelope import Envelope
from shared.events.patient import PatientErased
from shared.events.topics import SUBSCRIPTIONS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from shared.kafka.consumer import Handler

# The producers this service consumes: declared once, beside the topics, for the worker and
# the web app's GET /api/pipeline.
SOURCE_SERVICES = SUBSCRIPTIONS["geocoding_service"]


def build_handlers(ctx: GeocodingContext) -> dict[str, Handler]:
    """Event type → handler, bound to this process's context."""

    def erase_patient_cache(session: Session, envelope: Envelope) -> None:
        """patient.erased → the patient's cache entries go (in the consumer's transaction)."""
        event = PatientErased.model_validate(envelope.payload)
        erasure.erase_patient(ctx.unit_of_work_on(session), ctx.clock, event.patient_id)

    return {PatientErased.event_type: erase_patient_cache}
