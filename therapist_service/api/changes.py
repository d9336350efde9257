"""Change-history resource: imports and staff edits of one therapist, oldest first."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from shared.http.app_factory import context_of
from shared.http.operations import operation
from shared.http.pagination import page_body
from therapist_service.api.schemas.changes import ChangeListQuery, ChangePage, ChangeRead
from therapist_service.api.therapists import NOT_FOUND, READERS, TAGS
from therapist_service.context import TherapistContext
from therapist_service.services import therapists


class TherapistChangesResource(Resource):
    @operation(
        "Change history (imports and staff edits), oldest first",
        roles=READERS,
        query=ChangeListQuery,
        tags=TAGS,
        responses={200: ("Changes", ChangePage), 404: NOT_FOUND},
    )
    def get(self, therapist_id: int, query: ChangeListQuery) -> Any:
        rows, total = therapists.list_changes(
            context_of(TherapistContext), therapist_id, query.source, query.offset, query.per_page
        )
        items = [ChangeRead.model_validate(dict(row)).model_dump(mode="json") for row in rows]
        return page_body(items, query, total)
