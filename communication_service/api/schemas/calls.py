"""Schemas of the phone-call API: the call list, one call, recording its outcome."""

from __future__ import annotations

from datetime import date as Day
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from communication_service.api.schemas.common import MAX_ID, OutcomeIn
from communication_service.domain.calls import CallPurpose, CallState
from shared.http.pagination import PageQuery
from shared.text import storable


class CallListQuery(PageQuery):
    """Filters of `GET /api/phone-calls` (`date`: a Europe/Berlin calendar day)."""

    model_config = ConfigDict(extra="forbid")

    date: Day | None = None
    status: CallState | None = None
    therapist_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class CallOutcomeUpdate(BaseModel):
    """`PUT /api/phone-calls/{id}/outcome`: reached with answers, or not reached."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reached: bool
    outcomes: list[OutcomeIn] = Field(default_factory=list, max_length=50)
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("note", mode="before")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return storable(value)

    @model_validator(mode="after")
    def _consistent(self) -> CallOutcomeUpdate:
        ids = [outcome.placement_request_id for outcome in self.outcomes]
        if len(ids) != len(set(ids)):
            raise ValueError("one outcome per placement request")
        if self.outcomes and not self.reached:
            raise ValueError("outcomes need reached=true")
        return self


class CallPatient(BaseModel):
    placement_request_id: int
    patient_id: int
    state: str
    reference: str
    summary: dict[str, Any]


class PreviousContact(BaseModel):
    channel: str
    kind: str
    email_id: int | None
    call_id: int | None
    response_id: int | None
    occurred_at: datetime | None


class TherapistPhone(BaseModel):
    name: str | None
    phone: str | None
    phone_hours: dict[str, list[str]]


class CallRead(BaseModel):
    id: int
    therapist_id: int
    purpose: CallPurpose
    email_id: int | None
    state: CallState
    attempt: int
    slot_start: datetime | None
    slot_end: datetime | None
    flagged_for_staff: bool
    flag_reason: str | None
    note: str | None
    response_id: int | None
    closed_reason: str | None
    created_at: datetime
    completed_at: datetime | None
    failed_at: datetime | None
    cancelled_at: datetime | None
    therapist: TherapistPhone | None
    patients: list[CallPatient]
    previous_contacts: list[PreviousContact]


class CallPage(BaseModel):
    items: list[CallRead]
    page: int
    per_page: int
    total: int
