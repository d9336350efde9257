"""Reactions of the communication service to other services' events, and their registry."""

from __future__ import annotations

from shared.kafka.consumer import Handler

SOURCE_SERVICES: list[str] = ['matching_service', 'therapist_service', 'patient_service']
HANDLERS: dict[str, Handler] = {}
