"""Reactions of the therapist service to other services' events, and their registry."""

from __future__ import annotations

from shared.kafka.consumer import Handler

SOURCE_SERVICES: list[str] = ['scraping_service', 'communication_service']
HANDLERS: dict[str, Handler] = {}
