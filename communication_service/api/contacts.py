"""A therapist's contact history: e-mails, calls, answers and cooling periods."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from communication_service.api.common import (
    NOT_FOUND,
    STAFF,
    communication_context,
    dump,
    existing_id,
)
from communication_service.api.schemas.contacts import ContactHistory
from communication_service.services import emails
from shared.http.operations import operation


class ContactHistoryResource(Resource):
    @operation(
        "A therapist's contacts, answers and cooling periods",
        roles=STAFF,
        tags=("therapists",),
        responses={200: ("Contact history", ContactHistory), 404: NOT_FOUND},
    )
    def get(self, therapist_id: int) -> Any:
        therapist_id = existing_id(therapist_id, "Therapist")
        history = emails.contact_history(communication_context(), therapist_id)
        return dump(ContactHistory, history)
