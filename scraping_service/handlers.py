"""Reactions of the scraping service to other services' events, and their registry (none yet)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scraping_service.context import ScrapingContext
from shared.events.topics import SUBSCRIPTIONS

if TYPE_CHECKING:
    from shared.kafka.consumer import Handler

# The producers this service consumes: declared once, beside the topics, for the worker and
# the web app's GET /api/pipeline.
SOURCE_SERVICES = SUBSCRIPTIONS["scraping_service"]


def build_handlers(ctx: ScrapingContext) -> dict[str, Handler]:
    """Event type → handler, bound to this process's context: the service consumes no events."""
    return {}
