"""Event schemas published by geocoding_service (topic `geocoding-events`).

Payloads name the subject (type + id) and the result only: no address, no names.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from shared.events.envelope import DomainEvent, register
from shared.events.patient import ERASURE_EXAMPLE, ErasureCompleted

SubjectType = Literal["patient", "therapist", "practice"]


class _SubjectEvent(DomainEvent):
    """Keyed by the subject (`location:patient:42`), so one subject's events stay in order."""

    aggregate: ClassVar[str] = "location"
    aggregate_id_field: ClassVar[str] = "subject_id"

    subject_type: SubjectType
    subject_id: int = Field(ge=1)

    def key(self) -> str:
        return f"{self.subject_type}:{self.subject_id}"


@register(
    example={
        "subject_type": "patient",
        "subject_id": 42,
        "latitude": 50.7766,
        "longitude": 6.0854,
        "precision": "street",
        "source": "nominatim",
    }
)
class LocationResolved(_SubjectEvent):
    """A subject's address was resolved to coordinates."""

    event_type: ClassVar[str] = "geocoding.location_resolved"

    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    precision: Literal["street", "postal_code"]
    source: str


@register(example={"subject_type": "patient", "subject_id": 42, "reason": "not_found"})
class LocationFailed(_SubjectEvent):
    """A subject's address could not be resolved; it must not be matched on distance."""

    event_type: ClassVar[str] = "geocoding.location_failed"

    reason: Literal["not_found", "provider_unavailable"]


@register(example={**ERASURE_EXAMPLE, "counts": {"cache_entries_deleted": 1}})
class GeocodingPatientErased(ErasureCompleted):
    """Geocoding deleted the cache entries looked up for the patient's addresses."""

    event_type: ClassVar[str] = "geocoding.patient_erased"
