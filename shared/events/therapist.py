"""Event schemas published by therapist_service (topic `therapist-events`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from shared import weekly_windows
from shared.events.envelope import DomainEvent, register
from shared.vocabulary import (
    AgeGroup,
    Capacity,
    Channel,
    Gender,
    Procedure,
    Setting,
    TherapistStatus,
)


def _windows(value: Any) -> dict[str, list[str]]:
    try:
        return weekly_windows.normalise(value)
    except weekly_windows.WindowError as exc:
        raise ValueError(str(exc)) from exc


WeeklyWindowsValue = Annotated[
    dict[str, list[str]],
    AfterValidator(_windows),
    Field(description='Weekly windows, Europe/Berlin: {"mon": ["09:00-12:00"], ...}'),
]
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2}$", description="ISO 639-1, lower case")]


class OfferItem(BaseModel):
    """One offer: procedure × age group × setting."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    procedure: Procedure
    age_group: AgeGroup
    setting: Setting


class _TherapistEvent(DomainEvent):
    aggregate: ClassVar[str] = "therapist"
    aggregate_id_field: ClassVar[str] = "therapist_id"

    therapist_id: int = Field(ge=1)


class TherapistProfile(_TherapistEvent):
    """What matching and communication need about a therapist (no names, no contact data)."""

    external_id: str | None = None
    practice_id: int | None = None
    gender: Gender = Gender.UNSPECIFIED
    postal_code: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    offers: list[OfferItem] = Field(default_factory=list)
    languages: list[LanguageCode] = Field(default_factory=list)
    statutory_licence: bool = True
    barrier_free: bool = False
    phone_hours: WeeklyWindowsValue = Field(default_factory=dict)
    consultation_hours: WeeklyWindowsValue = Field(default_factory=dict)
    accepting_new_patients: Capacity = Capacity.UNKNOWN
    capacity_as_of: date | None = None
    age_min: int | None = None
    age_max: int | None = None
    patient_genders: list[Gender] = Field(default_factory=list)
    prefers_group: bool = False
    status: TherapistStatus = TherapistStatus.ACTIVE
    preferred_channel: Channel = Channel.EMAIL
    has_email: bool = False
    has_phone: bool = True  # older events: assume a number (a call is tried, as before)
    opted_out: bool = False


PROFILE_EXAMPLE: dict[str, Any] = {
    "therapist_id": 7,
    "external_id": "a7f3c2e1-5b0d-4e55-9d0e-1c2b3a4d5e6f",
    "practice_id": 3,
    "gender": "female",
    "postal_code": "52062",
    "latitude": 50.7766,
    "longitude": 6.0854,
    "offers": [
        {"procedure": "VT", "age_group": "adults", "setting": "individual"},
        {"procedure": "VT", "age_group": "adults", "setting": "group"},
    ],
    "languages": ["en", "tr"],
    "statutory_licence": True,
    "barrier_free": True,
    "phone_hours": {"mon": ["08:00-08:50", "12:30-13:00"], "wed": ["14:00-14:50"]},
    "consultation_hours": {"mon": ["09:00-17:00"]},
    "accepting_new_patients": "unknown",
    "capacity_as_of": None,
    "age_min": 18,
    "age_max": None,
    "patient_genders": [],
    "prefers_group": False,
    "status": "active",
    "preferred_channel": "email",
    "has_email": True,
    "has_phone": True,
    "opted_out": False,
}


@register(example=PROFILE_EXAMPLE)
class TherapistCreated(TherapistProfile):
    """A therapist was created (by an import or by staff)."""

    event_type: ClassVar[str] = "therapist.created"


@register(example={**PROFILE_EXAMPLE, "changed_fields": ["offers", "phone_hours"]})
class TherapistUpdated(TherapistProfile):
    """A therapist changed; the payload is the whole profile after the change."""

    event_type: ClassVar[str] = "therapist.updated"

    changed_fields: list[str] = Field(default_factory=list)


@register(
    example={
        "therapist_id": 7,
        "accepting_new_patients": "no",
        "as_of": "2026-11-20",
        "source": "response",
    }
)
class TherapistCapacityChanged(_TherapistEvent):
    """The therapist's capacity statement changed."""

    event_type: ClassVar[str] = "therapist.capacity_changed"

    accepting_new_patients: Capacity
    as_of: date | None = None
    source: Literal["staff", "response"] = "staff"


@register(example={"therapist_id": 7, "blocked_at": "2026-11-20T10:00:00Z"})
class TherapistBlocked(_TherapistEvent):
    """Staff blocked the therapist: no new outreach (the reason stays in the service)."""

    event_type: ClassVar[str] = "therapist.blocked"

    blocked_at: datetime


@register(example={"therapist_id": 7, "unblocked_at": "2026-11-27T10:00:00Z"})
class TherapistUnblocked(_TherapistEvent):
    """Staff lifted the block."""

    event_type: ClassVar[str] = "therapist.unblocked"

    unblocked_at: datetime


@register(example={"therapist_id": 7, "cause": "source", "deactivated_at": "2026-11-27T10:00:00Z"})
class TherapistDeactivated(_TherapistEvent):
    """The therapist became inactive (gone from the source, or by staff); kept for history."""

    event_type: ClassVar[str] = "therapist.deactivated"

    cause: Literal["source", "staff"]
    deactivated_at: datetime
