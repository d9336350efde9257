"""Event schemas published by communication_service (topic `communication-events`)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.events.envelope import DomainEvent, register
from shared.events.patient import ERASURE_EXAMPLE, ErasureCompleted
from shared.vocabulary import Channel, ResponseOutcome


class ResponseOutcomeItem(BaseModel):
    """The therapist's answer about one placement request (ids only, no free text)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    placement_request_id: int = Field(ge=1)
    patient_id: int = Field(ge=1)
    outcome: ResponseOutcome


@register(
    example={
        "therapist_id": 7,
        "response_id": 31,
        "channel": "phone",
        "outcomes": [
            {"placement_request_id": 501, "patient_id": 42, "outcome": "rejected_no_capacity"}
        ],
        "recorded_at": "2026-11-20T10:15:00Z",
    }
)
class TherapistResponseRecorded(DomainEvent):
    """Staff recorded a therapist's answer (per patient) from an e-mail or a call."""

    event_type: ClassVar[str] = "communication.therapist_response_recorded"
    aggregate: ClassVar[str] = "therapist"
    aggregate_id_field: ClassVar[str] = "therapist_id"

    therapist_id: int = Field(ge=1)
    response_id: int = Field(ge=1)
    channel: Channel
    outcomes: list[ResponseOutcomeItem] = Field(min_length=1)
    recorded_at: datetime


class _ContactEvent(DomainEvent):
    """A contact with a therapist that concerns some placement requests."""

    aggregate: ClassVar[str] = "therapist"
    aggregate_id_field: ClassVar[str] = "therapist_id"

    therapist_id: int = Field(ge=1)
    placement_request_ids: list[int] = Field(min_length=1)


@register(
    example={
        "email_id": 88,
        "therapist_id": 7,
        "placement_request_ids": [501, 502],
        "sent_at": "2026-11-27T08:00:00Z",
    }
)
class EmailSent(_ContactEvent):
    """An outreach e-mail holding these requests went out (first contact)."""

    event_type: ClassVar[str] = "communication.email_sent"

    email_id: int = Field(ge=1)
    sent_at: datetime


@register(
    example={
        "call_id": 12,
        "therapist_id": 7,
        "placement_request_ids": [501],
        "scheduled_for": "2026-12-04T08:05:00Z",
    }
)
class CallScheduled(_ContactEvent):
    """A phone call about these requests was scheduled in the therapist's phone hours."""

    event_type: ClassVar[str] = "communication.call_scheduled"

    call_id: int = Field(ge=1)
    scheduled_for: datetime


@register(
    example={
        "call_id": 12,
        "therapist_id": 7,
        "placement_request_ids": [501],
        "attempt": 1,
        "completed_at": "2026-12-04T08:07:00Z",
    }
)
class CallCompleted(_ContactEvent):
    """The therapist was reached on the phone about these requests."""

    event_type: ClassVar[str] = "communication.call_completed"

    call_id: int = Field(ge=1)
    attempt: int = Field(default=1, ge=1)
    completed_at: datetime | None = None


@register(
    example={
        "call_id": 12,
        "therapist_id": 7,
        "placement_request_ids": [501],
        "attempt": 3,
        "final": True,
        "failed_at": "2026-12-06T08:07:00Z",
    }
)
class CallFailed(_ContactEvent):
    """The therapist was not reached; `final` after the last attempt (requests: no_response)."""

    event_type: ClassVar[str] = "communication.call_failed"

    call_id: int = Field(ge=1)
    attempt: int = Field(ge=1)
    final: bool = False
    failed_at: datetime | None = None


class _EmailEvent(DomainEvent):
    """An e-mail of the communication service (ids only: no addresses, no bodies)."""

    aggregate: ClassVar[str] = "email"
    aggregate_id_field: ClassVar[str] = "email_id"

    email_id: int = Field(ge=1)
    purpose: str = Field(pattern=r"^(outreach|reminder|place_taken|patient)$")
    template: str = Field(max_length=60)
    recipient: str = Field(pattern=r"^(therapist|patient)$")
    therapist_id: int | None = Field(default=None, ge=1)
    patient_id: int | None = Field(default=None, ge=1)
    placement_request_ids: list[int] = Field(default_factory=list)


@register(
    example={
        "email_id": 88,
        "purpose": "outreach",
        "template": "therapist_batch_inquiry",
        "recipient": "therapist",
        "therapist_id": 7,
        "patient_id": None,
        "placement_request_ids": [501, 502],
        "queued_at": "2026-11-27T07:59:00Z",
    }
)
class EmailQueued(_EmailEvent):
    """An e-mail was composed (recipient resolved, rendered) and waits for the SMTP sender."""

    event_type: ClassVar[str] = "communication.email_queued"

    queued_at: datetime


@register(
    example={
        "email_id": 88,
        "purpose": "outreach",
        "template": "therapist_batch_inquiry",
        "recipient": "therapist",
        "therapist_id": 7,
        "patient_id": None,
        "placement_request_ids": [501, 502],
        "attempts": 5,
        "error": "smtp_unavailable",
        "failed_at": "2026-11-27T09:00:00Z",
    }
)
class EmailFailed(_EmailEvent):
    """Sending gave up (after the last attempt or a permanent error); staff may retry."""

    event_type: ClassVar[str] = "communication.email_failed"

    attempts: int = Field(ge=0)
    error: str = Field(max_length=60, description="error code, never message text")
    failed_at: datetime
    released_request_ids: list[int] = Field(
        default_factory=list,
        description="requests released because the therapist has no phone number either: "
        "matching cancels them as not contacted and replaces them",
    )


@register(example={**ERASURE_EXAMPLE, "counts": {"emails_scrubbed": 2, "requests_withdrawn": 1}})
class CommunicationPatientErased(ErasureCompleted):
    """Communication withdrew the patient's requests and scrubbed its e-mails, calls and answers."""

    event_type: ClassVar[str] = "communication.patient_erased"
