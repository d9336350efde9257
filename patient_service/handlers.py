"""Reactions of the patient service to other services' events, and their registry."""

from __future__ import annotations

from shared.kafka.consumer import Handler

SOURCE_SERVICES: list[str] = ['matching_service', 'communication_service']
HANDLERS: dict[str, Handler] = {}
