"""Builders of the events this service writes to its outbox (the pseudonymous profile only)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from patient_service.domain.profile import profile
from shared.events.envelope import DomainEvent
from shared.events.patient import EVENTS_BY_KIND, PatientErased, PatientPlacementRefused


def patient_event(kind: str, row: Mapping[str, Any], now: datetime, **details: Any) -> DomainEvent:
    """`patient.<kind>` for a row (`registered`, `updated`, `search_started`, ...)."""
    return EVENTS_BY_KIND[kind].model_validate({**profile(row, now), **details})


def transition_details(kind: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """What a status-change event carries besides the profile."""
    if kind == "updated":
        return {"changed_fields": ["status"]}
    if kind == "placed":
        return {"therapist_id": row["placed_therapist_id"], "placed_at": row["placed_at"]}
    return {}


def patient_erased(patient_id: int, erased_at: datetime) -> PatientErased:
    """patient.erased: every service erases what it holds about the patient."""
    return PatientErased(patient_id=patient_id, erased_at=erased_at)


def placement_refused(
    patient_id: int, therapist_id: int, request_id: int, status: str, now: datetime
) -> PatientPlacementRefused:
    """patient.placement_refused: matching takes its placement back."""
    return PatientPlacementRefused(
        patient_id=patient_id,
        therapist_id=therapist_id,
        placement_request_id=request_id,
        status=status,
        refused_at=now,
    )
