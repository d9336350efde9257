"""`GET /api/attention` on every service with cases: the query, one item and the page
(reasons: `shared.vocabulary.AttentionReason`; docs/domain.md "Drift is found, not hidden")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_restful import Resource
from pydantic import BaseModel, ConfigDict, Field

from shared.http.operations import AuditRecord, operation
from shared.http.pagination import PageQuery, page_body
from shared.vocabulary import AttentionReason

ROLES = ("staff", "admin")
TAGS = ("attention",)
# Up to 100 ids of at most 18 digits (all below the bigint limit), comma-separated.
PATIENT_IDS = r"^[1-9][0-9]{0,17}(,[1-9][0-9]{0,17}){0,99}$"


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
    """`?patient_ids=1,2,3` (1 to 100 ids, comma-separated) for the consistency check's reads."""

    model_config = ConfigDict(extra="forbid")

    patient_ids: str = Field(pattern=PATIENT_IDS, description="1 to 100 ids, comma-separated")

    @property
    def ids(self) -> list[int]:
        return sorted({int(part) for part in self.patient_ids.split(",")})


# (offset, per_page, reason or None) -> (the page's items with ISO `since`, total)
AttentionFetch = Callable[[int, int, str | None], tuple[list[dict[str, Any]], int]]


def attention_list_resource(summary: str, fetch: AttentionFetch) -> type[Resource]:
    """The `GET /api/attention` resource of a service: the same query, roles, audit and page
    everywhere; only what the service lists (`fetch`) and its summary differ."""

    class AttentionListResource(Resource):
        @operation(
            summary,
            roles=ROLES,
            query=AttentionQuery,
            tags=TAGS,
            responses={200: ("The open items, oldest first", AttentionPage)},
            audit=AuditRecord("patient", response="items.patient_id"),
        )
        def get(self, query: AttentionQuery) -> Any:
            reason = query.reason.value if query.reason is not None else None
            items, total = fetch(query.offset, query.per_page, reason)
            return page_body(items, query, total)

    return AttentionListResource
