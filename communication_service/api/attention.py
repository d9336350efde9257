"""Communication's part of the staff attention list, and the open contacts of some patients
(the patient service's consistency check reads them, role service)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from communication_service.api.common import communication_context
from communication_service.api.schemas.attention import OpenContactList
from communication_service.services import attention
from shared.http import attention as listing
from shared.http.operations import AuditRecord, operation
from shared.http.pagination import page_body


class AttentionListResource(Resource):
    @operation(
        "Cases that need a person: acceptances held for staff (patient paused or not "
        "searching), e-mails failed for good; oldest first",
        roles=listing.ROLES,
        query=listing.AttentionQuery,
        tags=listing.TAGS,
        responses={200: ("The open items", listing.AttentionPage)},
        audit=AuditRecord("patient", response="items.patient_id"),
    )
    def get(self, query: listing.AttentionQuery) -> Any:
        reason = query.reason.value if query.reason is not None else None
        items, total = attention.list_attention(
            communication_context(), query.offset, query.per_page, reason
        )
        return page_body(items, query, total)


class OpenContactListResource(Resource):
    @operation(
        "Per patient communication knows (of the given ids): the status it knows, open "
        "requests, unsent e-mails and scheduled calls",
        roles=("service",),
        query=listing.PatientIdsQuery,
        tags=("privacy",),
        responses={200: ("One item per known patient", OpenContactList)},
    )
    def get(self, query: listing.PatientIdsQuery) -> Any:
        return {"items": attention.open_contacts(communication_context(), query.ids)}
