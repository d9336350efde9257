"""Event schemas published by communication_service (topic `communication-events`)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.events.envelope import DomainEvent, register
from shared.vocabulary import Channel, ResponseOutcome


class ResponseOutcomeItem(BaseModel):
    """The therapist's answer about one placement request (ids only, no free text)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    placement_request_id: int = Field(ge=1)
    patient_id: int = Field(ge=1)
    outcome: ResponseOutcome


@register(example={"therapist_id": 7, "response_id": 31, "channel": "phone",
                   "outcomes": [{"placement_request_id": 501, "patient_id": 42,
                                 "outcome": "rejected_no_capacity"}],
                   "recorded_at": "2026-11-20T10:15:00Z"})
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
