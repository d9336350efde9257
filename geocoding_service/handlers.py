"""Reactions of the geocoding service to other services' events, and their registry."""

from __future__ import annotations

import functools

from geocoding_service import erasure
from shared.events.patient import PatientErased
from shared.http.app_factory import ServiceContext
from shared.kafka.consumer import Handler

SOURCE_SERVICES: list[str] = ["patient_service"]


def build_handlers(ctx: ServiceContext) -> dict[str, Handler]:
    """Event type → handler, bound to this process's context."""
    return {PatientErased.event_type: functools.partial(erasure.erase_patient, ctx)}
