"""Template use cases: the catalogue and a preview rendered with sample data."""

from __future__ import annotations

from typing import Any

from communication_service.context import CommunicationContext
from communication_service.domain.templates import SPECS, sample_context


def templates() -> list[dict[str, str]]:
    """The template catalogue."""
    return [
        {"name": spec.name, "audience": spec.audience, "description": spec.description}
        for spec in SPECS.values()
    ]


def preview(ctx: CommunicationContext, name: str) -> dict[str, Any]:
    """Render a template with sample data (UnknownTemplate for a name not in the catalogue)."""
    rendered = ctx.renderer.render(name, sample_context(name))
    return {"name": name, "subject": rendered.subject, "text": rendered.text, "html": rendered.html}
