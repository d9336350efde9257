"""Schemas of `GET /api/emails`, `GET /api/emails/{id}` and its retry."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from communication_service.api.schemas.common import MAX_ID
from communication_service.domain.emails import EmailState
from shared.http.pagination import PageQuery
from shared.vocabulary import Channel, ResponseOutcome


class EmailListQuery(PageQuery):
    """Filters of `GET /api/emails` (unknown parameters are errors)."""

    model_config = ConfigDict(extra="forbid")

    therapist_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    patient_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    status: EmailState | None = None


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


class EmailResponseOutcome(BaseModel):
    placement_request_id: int
    patient_id: int
    outcome: ResponseOutcome


class EmailResponse(BaseModel):
    """An answer about requests of the e-mail (`channel` link: given on the answer page,
    `recorded_by` then names the practice: `therapist:<id>`)."""

    response_id: int
    channel: Channel
    recorded_by: str
    recorded_at: datetime
    note: str | None
    outcomes: list[EmailResponseOutcome]


class EmailRead(EmailSummary):
    to_address: str | None
    body_text: str | None
    body_html: str | None
    placement_request_ids: list[int]
    responses: list[EmailResponse]


class EmailPage(BaseModel):
    items: list[EmailSummary]
    page: int
    per_page: int
    total: int
