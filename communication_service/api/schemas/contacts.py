"""Schema of `GET /api/therapists/{id}/contact-history`."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


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
