"""Communication's part of the staff attention list, and the open contacts of some patients
(the patient service's consistency check reads them, role service)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from communication_service.api.common import communication_context
from communication_service.api.schemas.attention import OpenContactList
from communication_service.services import attention
from shared.http import attention as listing
from shared.http.operations import operation

AttentionListResource = listing.attention_list_resource(
    "Cases that need a person: acceptances held for staff (patient paused or not searching), "
    "e-mails failed for good; oldest first",
    lambda offset, per_page, reason: attention.list_attention(
        communication_context(), offset, per_page, reason
    ),
)


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
