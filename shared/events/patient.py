"""Event schemas published by patient_service (topic `patient-events`).

Every payload is the pseudonymous matching profile: id, age (no birth date), gender, coordinates
rounded to ~100 m, postal code, preferences, insurance type, availability, exclusions, urgency,
coarse complaint groups, status. Never names, contact data, street, insurance number, diagnosis
or free text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shared import weekly_windows
from shared.events.envelope import DomainEvent, register
from shared.patient_vocabulary import (
    ComplaintGroup,
    InsuranceType,
    LocationPrecision,
    LocationStatus,
    PatientStatus,
    TherapistGenderWish,
    TravelMode,
)
from shared.vocabulary import Gender, Procedure


def _windows(value: Any) -> dict[str, list[str]]:
    try:
        return weekly_windows.normalise(value)
    except weekly_windows.WindowError as exc:
        raise ValueError(str(exc)) from exc


def _rounded(value: float) -> float:
    return round(value, 3)


RoundedLatitude = Annotated[float, Field(ge=-90, le=90), AfterValidator(_rounded)]
RoundedLongitude = Annotated[float, Field(ge=-180, le=180), AfterValidator(_rounded)]


class MatchingPreferences(BaseModel):
    """What the patient asks of a therapist and a practice."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    procedures: list[Procedure] = Field(default_factory=list, description="empty = any")
    therapist_gender: TherapistGenderWish = TherapistGenderWish.ANY
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] = Field(default_factory=list)
    group_ok: bool = False
    group_only: bool = Field(default=False, description="only group therapy (implies group_ok)")
    barrier_free: bool = False
    max_distance_km: float = Field(default=25.0, gt=0)
    travel_mode: TravelMode = TravelMode.PUBLIC_TRANSPORT
    max_travel_minutes: int | None = Field(default=None, ge=1)


class _PatientEvent(DomainEvent):
    """The matching profile every patient event carries."""

    aggregate: ClassVar[str] = "patient"
    aggregate_id_field: ClassVar[str] = "patient_id"

    patient_id: int = Field(ge=1)
    status: PatientStatus
    age: int | None = Field(default=None, ge=0, le=130, description="years at occurred_at")
    gender: Gender
    postal_code: str = Field(pattern=r"^[0-9]{5}$")
    latitude: RoundedLatitude | None = Field(default=None, description="3 decimals (~100 m)")
    longitude: RoundedLongitude | None = Field(default=None, description="3 decimals (~100 m)")
    location_status: LocationStatus
    location_precision: LocationPrecision | None = None
    insurance_type: InsuranceType
    preferences: MatchingPreferences = Field(default_factory=MatchingPreferences)
    availability: Annotated[dict[str, list[str]], AfterValidator(_windows)] = Field(
        default_factory=dict
    )
    exclusions: list[int] = Field(default_factory=list, description="therapist ids")
    urgent: bool = False
    complaint_groups: list[ComplaintGroup] = Field(default_factory=list)
    search_started_at: datetime | None = None


PROFILE_EXAMPLE: dict[str, Any] = {
    "patient_id": 42,
    "status": "searching",
    "age": 34,
    "gender": "female",
    "postal_code": "52062",
    "latitude": 50.777,
    "longitude": 6.085,
    "location_status": "resolved",
    "location_precision": "street",
    "insurance_type": "statutory",
    "preferences": {
        "procedures": ["VT", "TP"],
        "therapist_gender": "any",
        "languages": ["en"],
        "group_ok": False,
        "group_only": False,
        "barrier_free": False,
        "max_distance_km": 25.0,
        "travel_mode": "public_transport",
        "max_travel_minutes": 45,
    },
    "availability": {"mon": ["09:00-12:00"], "thu": ["14:00-18:00"]},
    "exclusions": [7],
    "urgent": False,
    "complaint_groups": ["mood", "sleep"],
    "search_started_at": "2026-11-26T09:15:02Z",
}


@register(example={**PROFILE_EXAMPLE, "status": "registered", "search_started_at": None})
class PatientRegistered(_PatientEvent):
    """Staff registered a patient."""

    event_type: ClassVar[str] = "patient.registered"


@register(example={**PROFILE_EXAMPLE, "changed_fields": ["preferences", "location"]})
class PatientUpdated(_PatientEvent):
    """A patient's matching profile changed (names of the changed fields only, never values)."""

    event_type: ClassVar[str] = "patient.updated"

    changed_fields: list[str] = Field(default_factory=list)


@register(example=PROFILE_EXAMPLE)
class PatientSearchStarted(_PatientEvent):
    """The case is complete and the search starts (first time)."""

    event_type: ClassVar[str] = "patient.search_started"


@register(example={**PROFILE_EXAMPLE, "status": "paused"})
class PatientSearchPaused(_PatientEvent):
    """The search is paused; matching cancels the patient's open requests."""

    event_type: ClassVar[str] = "patient.search_paused"


@register(example=PROFILE_EXAMPLE)
class PatientSearchResumed(_PatientEvent):
    """A paused search goes on (search_started_at unchanged)."""

    event_type: ClassVar[str] = "patient.search_resumed"


@register(example={**PROFILE_EXAMPLE, "status": "cancelled"})
class PatientSearchCancelled(_PatientEvent):
    """The search ended without a place."""

    event_type: ClassVar[str] = "patient.search_cancelled"


@register(
    example={
        **PROFILE_EXAMPLE,
        "status": "placed",
        "therapist_id": 7,
        "placement_request_id": 501,
        "placed_at": "2026-12-10T11:00:00Z",
    }
)
class PatientPlaced(_PatientEvent):
    """The patient has a place with a therapist."""

    event_type: ClassVar[str] = "patient.placed"

    therapist_id: int = Field(ge=1)
    placement_request_id: int | None = Field(default=None, ge=1)
    placed_at: datetime


EVENTS_BY_KIND: dict[str, type[_PatientEvent]] = {
    "registered": PatientRegistered,
    "updated": PatientUpdated,
    "search_started": PatientSearchStarted,
    "search_paused": PatientSearchPaused,
    "search_resumed": PatientSearchResumed,
    "search_cancelled": PatientSearchCancelled,
    "placed": PatientPlaced,
}


@register(
    example={
        "patient_id": 42,
        "therapist_id": 7,
        "placement_request_id": 501,
        "status": "paused",
        "refused_at": "2026-12-10T11:00:05Z",
    }
)
class PatientPlacementRefused(DomainEvent):
    """The patient service (the authority for the patient's status) did not apply matching's
    placement: the patient was paused or cancelled meanwhile. Matching takes the placement
    back, so the patient is matched again after a resume; staff see the case."""

    event_type: ClassVar[str] = "patient.placement_refused"
    aggregate: ClassVar[str] = "patient"
    aggregate_id_field: ClassVar[str] = "patient_id"

    patient_id: int = Field(ge=1)
    therapist_id: int = Field(ge=1)
    placement_request_id: int = Field(ge=1)
    status: PatientStatus = Field(description="the patient's status when the placement came")
    refused_at: datetime


@register(example={"patient_id": 42, "erased_at": "2027-01-15T10:00:00Z"})
class PatientErased(DomainEvent):
    """Art. 17 erasure: every service deletes or anonymises what it holds about the patient.

    Deliberately not a profile event: the payload carries the id and the time, nothing else.
    """

    event_type: ClassVar[str] = "patient.erased"
    aggregate: ClassVar[str] = "patient"
    aggregate_id_field: ClassVar[str] = "patient_id"

    patient_id: int = Field(ge=1)
    erased_at: datetime


class ErasureCompleted(DomainEvent):
    """Base of each service's answer to patient.erased (ids and counts only)."""

    aggregate: ClassVar[str] = "patient"
    aggregate_id_field: ClassVar[str] = "patient_id"

    patient_id: int = Field(ge=1)
    completed_at: datetime
    counts: dict[str, int] = Field(
        default_factory=dict, description="rows deleted or anonymised, per kind"
    )


ERASURE_EXAMPLE: dict[str, Any] = {
    "patient_id": 42,
    "completed_at": "2027-01-15T10:00:05Z",
    "counts": {"rows": 3},
}
