"""Schemas of `GET /api/patients/{id}/timeline`, and the rendering of its entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from patient_service.api.schemas.patient_views import iso


class TimelineEntry(BaseModel):
    kind: str
    at: datetime
    actor: str
    action: str
    details: dict[str, Any]


class TimelineRead(BaseModel):
    patient_id: int
    crisis: bool
    items: list[TimelineEntry]


def timeline_body(patient: dict[str, Any], entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The timeline of one patient; the crisis marker rides along so staff see it at once."""
    items = [{**entry, "at": iso(entry["at"])} for entry in entries]
    return {"patient_id": patient["id"], "crisis": patient["crisis"], "items": items}
