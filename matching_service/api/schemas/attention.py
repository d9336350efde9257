"""Schema of `GET /api/open-requests` (the list body of `GET /api/attention` is shared:
`shared/http/attention.py`)."""

from __future__ import annotations

from pydantic import BaseModel


class OpenRequest(BaseModel):
    id: int
    therapist_id: int
    status: str


class OpenRequestsOfPatient(BaseModel):
    patient_id: int
    status: str
    placed_request_id: int | None
    open_requests: list[OpenRequest]


class OpenRequestList(BaseModel):
    items: list[OpenRequestsOfPatient]
