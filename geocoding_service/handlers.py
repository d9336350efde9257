"""Reactions of the geocoding service to other services' events, and their registry."""

from __future__ import annotations

from shared.kafka.consumer import Handler

SOURCE_SERVICES: list[str] = []
HANDLERS: dict[str, Handler] = {}
