"""Schemas of the erasure routes (Art. 17), and the rendering of an erasure status."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from patient_service.domain.documents import iso_values


class ErasureStepRead(BaseModel):
    service: str
    completed_at: str | None
    counts: dict[str, int] | None


class ErasureRead(BaseModel):
    patient_id: int
    status: str
    requested_at: str | None
    requested_by: str | None
    services: list[ErasureStepRead]


def erasure_body(status: dict[str, Any]) -> dict[str, Any]:
    """The erasure status with its times as ISO strings."""
    return {**iso_values(status), "services": [iso_values(step) for step in status["services"]]}
