"""`GET /api/attention` on every service with cases: the query, one item and the page
(reasons: `shared.vocabulary.AttentionReason`; docs/domain.md "Drift is found, not hidden")."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from shared.http.pagination import PageQuery
from shared.vocabulary import AttentionReason

ROLES = ("staff", "admin")
TAGS = ("attention",)
MAX_ID = 2**63 - 1


class AttentionQuery(PageQuery):
    """A page of the list, optionally of one reason (unknown parameters are errors)."""

    model_config = ConfigDict(extra="forbid")

    reason: AttentionReason | None = None


class AttentionItem(BaseModel):
    reason: AttentionReason
    patient_id: int | None
    therapist_id: int | None
    placement_request_id: int | None
    email_id: int | None
    since: str = Field(description="ISO 8601: since when the case needs a person")
    message: str = Field(description="German, for staff")
    details: dict[str, Any] | None = Field(
        default=None, description="what the service saw (ids, states, the candidate explanation)"
    )


class AttentionPage(BaseModel):
    items: list[AttentionItem]
    page: int
    per_page: int
    total: int


class PatientIdsQuery(BaseModel):
    """`?patient_id=1&patient_id=2…` (1 to 100 ids) for the consistency check's reads."""

    model_config = ConfigDict(extra="forbid")

    patient_id: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=100)
