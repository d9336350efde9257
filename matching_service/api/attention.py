"""Matching's part of the staff attention list, and the open requests of some patients (the
patient service's consistency check reads them, role service)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from matching_service.api.schemas.attention import OpenRequestList
from matching_service.context import MatchingContext
from matching_service.services import attention
from shared.http import attention as listing
from shared.http.app_factory import context_of
from shared.http.operations import operation


def _attention_page(offset: int, per_page: int, reason: str | None) -> tuple[list[Any], int]:
    ctx = context_of(MatchingContext)
    items = attention.attention_items(
        ctx.unit_of_work(),
        ctx.rules,
        ctx.settings.contacted_without_answer_days,
        ctx.clock.now(),
        reason,
    )
    page = items[offset : offset + per_page]
    for item in page:
        item["since"] = item["since"].isoformat()
    return page, len(items)


AttentionListResource = listing.attention_list_resource(
    "Cases that need a person: searching without an open request (with or without a "
    "candidate, the latter with the explanation), contacted without answer or call",
    _attention_page,
)


class OpenRequestListResource(Resource):
    @operation(
        "Per patient matching knows (of the given ids): its status here and its open requests",
        roles=("service",),
        query=listing.PatientIdsQuery,
        tags=("matching",),
        responses={200: ("One item per known patient", OpenRequestList)},
    )
    def get(self, query: listing.PatientIdsQuery) -> Any:
        ctx = context_of(MatchingContext)
        return {"items": attention.open_requests(ctx.unit_of_work(), query.ids)}
