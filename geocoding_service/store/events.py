"""Builders of the events this service writes to its outbox (no addresses in any payload)."""

from __future__ import annotations

from datetime import datetime

from geocoding_service.domain.locations import Location
from geocoding_service.domain.resolution import Subject
from shared.events.geocoding import GeocodingPatientErased, LocationFailed, LocationResolved


def location_outcome(
    subject: Subject, location: Location | None, failure: str
) -> LocationResolved | LocationFailed:
    """geocoding.location_resolved with the coordinates, or location_failed with `failure`."""
    if location is None:
        return LocationFailed(subject_type=subject.type, subject_id=subject.id, reason=failure)
    return LocationResolved(
        subject_type=subject.type,
        subject_id=subject.id,
        latitude=location.lat,
        longitude=location.lon,
        precision=location.precision.value,
        source=location.source,
    )


def patient_erased(patient_id: int, completed_at: datetime, deleted: int) -> GeocodingPatientErased:
    """geocoding.patient_erased: how many cache entries of the patient were deleted."""
    return GeocodingPatientErased(
        patient_id=patient_id,
        completed_at=completed_at,
        counts={"cache_entries_deleted": deleted},
    )
