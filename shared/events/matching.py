"""Event schemas published by matching_service (topic `matching-events`)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.events.envelope import DomainEvent, register
from shared.events.patient import ERASURE_EXAMPLE, ErasureCompleted
from shared.patient_vocabulary import ComplaintGroup, InsuranceType
from shared.vocabulary import Gender


@register(
    example={
        "patient_id": 42,
        "therapist_id": 7,
        "placement_request_id": 501,
        "confirmed_at": "2026-12-10T11:00:00Z",
    }
)
class PlacementConfirmed(DomainEvent):
    """A therapist accepted a patient (first acceptance wins): the patient has a place."""

    event_type: ClassVar[str] = "matching.placement_confirmed"
    aggregate: ClassVar[str] = "patient"
    aggregate_id_field: ClassVar[str] = "patient_id"

    patient_id: int = Field(ge=1)
    therapist_id: int = Field(ge=1)
    placement_request_id: int = Field(ge=1)
    confirmed_at: datetime


class PatientSummary(BaseModel):
    """What communication may tell a therapist about a patient (pseudonymous)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    age: int | None = Field(default=None, ge=0, le=130)
    gender: Gender
    insurance_type: InsuranceType
    complaint_groups: list[ComplaintGroup] = Field(default_factory=list)
    availability: dict[str, list[str]] = Field(default_factory=dict)
    urgent: bool = False
    search_started_at: datetime | None = None


class CreatedPlacementRequest(BaseModel):
    """One new placement request of a matching run."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    placement_request_id: int = Field(ge=1)
    patient_id: int = Field(ge=1)
    therapist_id: int = Field(ge=1)
    score: float = Field(ge=0, le=1)
    distance_km: float = Field(ge=0)
    patient: PatientSummary


_SUMMARY_EXAMPLE = {
    "age": 34,
    "gender": "female",
    "insurance_type": "statutory",
    "complaint_groups": ["mood", "sleep"],
    "availability": {"mon": ["09:00-12:00"]},
    "urgent": False,
    "search_started_at": "2026-11-26T09:15:02Z",
}


@register(
    example={
        "patient_id": 42,
        "run_id": 12,
        "part": 1,
        "created_at": "2026-11-26T09:15:03Z",
        "requests": [
            {
                "placement_request_id": 501,
                "patient_id": 42,
                "therapist_id": 7,
                "score": 0.82,
                "distance_km": 3.4,
                "patient": _SUMMARY_EXAMPLE,
            }
        ],
    }
)
class PlacementRequestsCreated(DomainEvent):
    """New placement requests of one patient in one matching run (a run writes one event per
    patient, numbered by `part` across the run), keyed `patient:{patient_id}` like the
    cancellation, expiry and placement events, so one patient's request events stay in order.

    `patient_id` was added later: an event without it (written before) may carry requests of
    several patients and is keyed by its run."""

    event_type: ClassVar[str] = "matching.placement_requests_created"
    aggregate: ClassVar[str] = "patient"
    aggregate_id_field: ClassVar[str] = "patient_id"

    patient_id: int | None = Field(default=None, ge=1, description="every request's patient")
    run_id: int = Field(ge=1)
    part: int = Field(default=1, ge=1)
    created_at: datetime
    requests: list[CreatedPlacementRequest] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_patient(self) -> PlacementRequestsCreated:
        if self.patient_id is not None and any(
            item.patient_id != self.patient_id for item in self.requests
        ):
            raise ValueError("every request must be of the event's patient")
        return self

    def key(self) -> str:
        """`patient:{id}`; an event written before `patient_id` existed: `matching_run:{id}`."""
        if self.patient_id is None:
            return f"matching_run:{self.run_id}"
        return super().key()


class _RequestEvent(DomainEvent):
    aggregate: ClassVar[str] = "patient"
    aggregate_id_field: ClassVar[str] = "patient_id"

    placement_request_id: int = Field(ge=1)
    patient_id: int = Field(ge=1)
    therapist_id: int = Field(ge=1)
    previous_status: str


@register(
    example={
        "placement_request_id": 501,
        "patient_id": 42,
        "therapist_id": 7,
        "previous_status": "proposed",
        "reason": "patient_paused",
        "cancelled_at": "2026-11-28T10:00:00Z",
    }
)
class PlacementRequestCancelled(_RequestEvent):
    """An open request was cancelled (patient paused/cancelled/placed, therapist gone, staff);
    reason `placed_elsewhere` also for an ended request whose therapist accepted a patient placed
    elsewhere (communication sends the "place is gone" e-mail)."""

    event_type: ClassVar[str] = "matching.placement_request_cancelled"

    reason: str = Field(max_length=40)
    cancelled_at: datetime


@register(
    example={
        "placement_request_id": 501,
        "patient_id": 42,
        "therapist_id": 7,
        "previous_status": "contacted",
        "status": "expired",
        "expired_at": "2026-12-24T10:00:00Z",
    }
)
class PlacementRequestExpired(_RequestEvent):
    """Nobody answered: `expired` after REQUEST_EXPIRY_DAYS, `no_response` after the last call."""

    event_type: ClassVar[str] = "matching.placement_request_expired"

    status: Literal["expired", "no_response"]
    expired_at: datetime


@register(
    example={
        "placement_request_id": 501,
        "patient_id": 42,
        "therapist_id": 7,
        "previous_status": "contacted",
        "status": "rejected",
        "reason": "rejected_no_capacity",
        "changed_at": "2026-11-28T10:00:00Z",
    }
)
class PlacementRequestStatusChanged(DomainEvent):
    """Any other change of a request's status (contacted, follow-up, answered)."""

    event_type: ClassVar[str] = "matching.placement_request_status_changed"
    aggregate: ClassVar[str] = "patient"
    aggregate_id_field: ClassVar[str] = "patient_id"

    placement_request_id: int = Field(ge=1)
    patient_id: int = Field(ge=1)
    therapist_id: int = Field(ge=1)
    previous_status: str
    status: str
    reason: str | None = None
    changed_at: datetime


@register(
    example={
        "therapist_id": 7,
        "patient_id": 42,
        "placement_request_id": 501,
        "response_id": 31,
        "patient_status": "paused",
        "held_at": "2026-11-20T10:15:02Z",
    }
)
class AcceptanceHeld(DomainEvent):
    """An acceptance matching did not apply: the patient was not searching (paused, say) when
    it arrived. Nobody is placed; communication lists it for staff."""

    event_type: ClassVar[str] = "matching.acceptance_held"
    aggregate: ClassVar[str] = "patient"
    aggregate_id_field: ClassVar[str] = "patient_id"

    therapist_id: int = Field(ge=1)
    patient_id: int = Field(ge=1)
    placement_request_id: int = Field(ge=1)
    response_id: int = Field(ge=1)
    patient_status: str = Field(max_length=40)
    held_at: datetime


@register(
    example={
        "therapist_id": 7,
        "response_id": 31,
        "starts_at": "2026-11-20T10:15:00Z",
        "ends_at": "2026-12-18T10:15:00Z",
    }
)
class TherapistCoolingStarted(DomainEvent):
    """A therapist answered: no new outreach of any kind until `ends_at`."""

    event_type: ClassVar[str] = "matching.therapist_cooling_started"
    aggregate: ClassVar[str] = "therapist"
    aggregate_id_field: ClassVar[str] = "therapist_id"

    therapist_id: int = Field(ge=1)
    response_id: int = Field(ge=1)
    starts_at: datetime
    ends_at: datetime


@register(
    example={"therapist_id": 7, "lifted_at": "2026-11-25T08:30:00Z", "lifted_by": "staff-anna"}
)
class TherapistCoolingLifted(DomainEvent):
    """Staff lifted a therapist's running cooling period: outreach may contact them again."""

    event_type: ClassVar[str] = "matching.therapist_cooling_lifted"
    aggregate: ClassVar[str] = "therapist"
    aggregate_id_field: ClassVar[str] = "therapist_id"

    therapist_id: int = Field(ge=1)
    lifted_at: datetime
    lifted_by: str = Field(max_length=200, description="the staff account (token subject)")


@register(example={**ERASURE_EXAMPLE, "counts": {"requests_cancelled": 2, "exclusions_deleted": 1}})
class MatchingPatientErased(ErasureCompleted):
    """Matching cancelled the patient's open requests and anonymised its profile."""

    event_type: ClassVar[str] = "matching.patient_erased"
