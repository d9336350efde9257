"""Reactions of the therapist service to other services' events, and their registry."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from shared.events.communication import TherapistResponseRecorded
from shared.events.envelope import Envelope
from shared.events.scraping import (
    RunCompleted,
    TherapistChanged,
    TherapistDisappeared,
    TherapistDiscovered,
)
from shared.events.topics import SUBSCRIPTIONS
from therapist_service.context import TherapistContext
from therapist_service.services import capacity, imports

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from shared.kafka.consumer import Handler

log = logging.getLogger(__name__)

# The producers this service consumes: declared once, beside the topics, for the worker and
# the web app's GET /api/pipeline.
SOURCE_SERVICES = SUBSCRIPTIONS["therapist_service"]
RECORD_EVENTS: dict[str, type[TherapistDiscovered] | type[TherapistChanged]] = {
    TherapistDiscovered.event_type: TherapistDiscovered,
    TherapistChanged.event_type: TherapistChanged,
}


def on_record(ctx: TherapistContext, session: Session, envelope: Envelope) -> None:
    """Discovered or changed: upsert by external id (our own diff decides what changed)."""
    event = RECORD_EVENTS[envelope.event_type].model_validate(envelope.payload)
    outcome = imports.apply_source_record(
        ctx.unit_of_work_on(session),
        ctx.clock,
        event.record,
        import_run_id=event.import_run_id,
        event_id=envelope.event_id,
        seen_at=envelope.occurred_at,
    )
    log.info("%s %s: %s", envelope.event_type, event.external_id, outcome)


def on_disappeared(ctx: TherapistContext, session: Session, envelope: Envelope) -> None:
    """Gone from the source: inactive, never deleted."""
    event = TherapistDisappeared.model_validate(envelope.payload)
    outcome = imports.deactivate_from_source(
        ctx.unit_of_work_on(session),
        ctx.clock,
        event.external_id,
        import_run_id=event.import_run_id,
        event_id=envelope.event_id,
        seen_at=envelope.occurred_at,
    )
    log.info("%s %s: %s", envelope.event_type, event.external_id, outcome)


def on_run_completed(ctx: TherapistContext, session: Session, envelope: Envelope) -> None:
    """Logged only (no use case): disappearances arrive as their own events."""
    event = RunCompleted.model_validate(envelope.payload)
    log.info("import run %s completed: %s", event.import_run_id, event.counts.model_dump())


def on_response(ctx: TherapistContext, session: Session, envelope: Envelope) -> None:
    """A therapist's answer may tell us about capacity."""
    event = TherapistResponseRecorded.model_validate(envelope.payload)
    outcome = capacity.apply_response(ctx.unit_of_work_on(session), ctx.clock, event)
    log.info("response %s of therapist %s: %s", event.response_id, event.therapist_id, outcome)


Reaction = Callable[[TherapistContext, "Session", Envelope], None]
REACTIONS: dict[str, Reaction] = {
    TherapistDiscovered.event_type: on_record,
    TherapistChanged.event_type: on_record,
    TherapistDisappeared.event_type: on_disappeared,
    RunCompleted.event_type: on_run_completed,
    TherapistResponseRecorded.event_type: on_response,
}


def build_handlers(ctx: TherapistContext) -> dict[str, Handler]:
    """Event type → handler, bound to this process's context; the consumer owns each
    transaction (the use cases join it)."""
    return {
        event_type: functools.partial(reaction, ctx) for event_type, reaction in REACTIONS.items()
    }
