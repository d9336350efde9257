"""Reactions of the scraping service to other services' events, and their registry (none yet)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scraping_service.context import ScrapingContext

if TYPE_CHECKING:
    from shared.kafka.consumer import Handler

SOURCE_SERVICES: list[str] = []


def build_handlers(ctx: ScrapingContext) -> dict[str, Handler]:
    """Event type → handler, bound to this process's context: the service consumes no events."""
    return {}
