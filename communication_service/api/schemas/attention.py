"""Schema of `GET /api/open-contacts` (the list body of `GET /api/attention` is shared:
`shared/http/attention.py`)."""

from __future__ import annotations

from pydantic import BaseModel


class OpenContactsOfPatient(BaseModel):
    patient_id: int
    status: str | None
    open_requests: list[int]
    open_emails: list[int]
    open_calls: list[int]


class OpenContactList(BaseModel):
    items: list[OpenContactsOfPatient]
