"""Request and response schemas of the communication API (pydantic; enums from the vocabulary)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from communication_service.domain import EmailState
from shared.http.pagination import PageQuery
from shared.vocabulary import Channel, ResponseOutcome

MAX_ID = 2**63 - 1
Id = Field(ge=1, le=MAX_ID)


def storable(value: Any) -> Any:
    """Reject text PostgreSQL cannot store (NUL bytes, lone surrogates)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        value.encode("utf-8")
    return value


class EmailListQuery(PageQuery):
    """Filters of `GET /api/emails` (unknown parameters are errors)."""

    model_config = ConfigDict(extra="forbid")

    therapist_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    patient_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    status: EmailState | None = None


class OutcomeIn(BaseModel):
    """The therapist's answer about one placement request."""

    model_config = ConfigDict(extra="forbid")

    placement_request_id: int = Field(ge=1, le=MAX_ID)
    outcome: ResponseOutcome


class ResponseCreate(BaseModel):
    """`POST /api/responses`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    therapist_id: int = Field(ge=1, le=MAX_ID)
    channel: Channel
    outcomes: list[OutcomeIn] = Field(min_length=1, max_length=50)
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("note", mode="before")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return storable(value)

    @field_validator("outcomes")
    @classmethod
    def _one_outcome_per_request(cls, value: list[OutcomeIn]) -> list[OutcomeIn]:
        ids = [o.placement_request_id for o in value]
        if len(ids) != len(set(ids)):
            raise ValueError("one outcome per placement request")
        return value


class OutcomeRead(BaseModel):
    placement_request_id: int
    patient_id: int
    outcome: ResponseOutcome


class ResponseRead(BaseModel):
    therapist_id: int
    response_id: int
    channel: Channel
    outcomes: list[OutcomeRead]
    recorded_at: datetime
    note: str | None


class EmailSummary(BaseModel):
    id: int
    purpose: str
    template: str
    recipient: str
    therapist_id: int | None
    patient_id: int | None
    state: EmailState
    subject: str | None
    message_id: str | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    delivery_confirmed: bool | None
    created_at: datetime
    queued_at: datetime | None
    sent_at: datetime | None
    failed_at: datetime | None
    cancelled_at: datetime | None


class EmailRead(EmailSummary):
    to_address: str | None
    body_text: str | None
    body_html: str | None
    placement_request_ids: list[int]


class EmailPage(BaseModel):
    items: list[EmailSummary]
    page: int
    per_page: int
    total: int


class ContactRead(BaseModel):
    id: int
    channel: str
    kind: str
    email_id: int | None
    call_id: int | None
    response_id: int | None
    practice_id: int | None
    blocks_from: datetime | None
    blocks_until: datetime | None
    occurred_at: datetime | None
    voided_at: datetime | None
    created_at: datetime


class AnswerRead(BaseModel):
    id: int
    therapist_id: int
    channel: str
    note: str | None
    recorded_by: str
    recorded_at: datetime


class CoolingRead(BaseModel):
    id: int
    response_id: int
    starts_at: datetime
    ends_at: datetime
    lifted_at: datetime | None


class ContactHistory(BaseModel):
    therapist_id: int
    contacts: list[ContactRead]
    responses: list[AnswerRead]
    cooling_periods: list[CoolingRead]
    cooling_until: datetime | None


class TemplateRead(BaseModel):
    name: str
    audience: str
    description: str


class TemplateList(BaseModel):
    items: list[TemplateRead]


class Preview(BaseModel):
    name: str
    subject: str
    text: str
    html: str
