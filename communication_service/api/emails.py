"""E-mail resources: the list, one e-mail with its bodies, retrying a failed one."""

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
from communication_service.api.schemas.emails import (
    EmailListQuery,
    EmailPage,
    EmailRead,
    EmailSummary,
)
from communication_service.services import emails
from shared.http.idempotency import idempotent
from shared.http.operations import AuditRecord, operation
from shared.http.pagination import page_body

TAGS = ("emails",)


class EmailListResource(Resource):
    @operation(
        "E-mails (filters: therapist, patient, status), newest first",
        roles=STAFF,
        query=EmailListQuery,
        tags=TAGS,
        responses={200: ("E-mails", EmailPage)},
        audit=(
            AuditRecord("patient", query="patient_id"),
            AuditRecord("patient", response="items.patient_id"),
        ),
    )
    def get(self, query: EmailListQuery) -> Any:
        filters = query.model_dump(include={"therapist_id", "patient_id", "status"})
        ctx = communication_context()
        rows, total = emails.list_emails(ctx, filters, query.offset, query.per_page)
        return page_body([dump(EmailSummary, row) for row in rows], query, total)


class EmailResource(Resource):
    @operation(
        "One e-mail with rendered bodies and the placement requests it carries",
        roles=STAFF,
        tags=TAGS,
        responses={200: ("E-mail", EmailRead), 404: NOT_FOUND},
        audit=(
            AuditRecord("email", path="email_id"),
            AuditRecord("patient", response="patient_id"),
        ),
    )
    def get(self, email_id: int) -> Any:
        found = emails.get_email(communication_context(), existing_id(email_id, "E-mail"))
        return dump(EmailRead, found)


class EmailRetryResource(Resource):
    @operation(
        "Queue a failed e-mail again",
        roles=STAFF,
        tags=TAGS,
        responses={
            200: ("E-mail", EmailRead),
            404: NOT_FOUND,
            409: ("Not failed, or the contact limits forbid it now", None),
        },
        audit=(
            AuditRecord("email", path="email_id"),
            AuditRecord("patient", response="patient_id"),
        ),
    )
    @idempotent
    def post(self, email_id: int) -> Any:
        found = emails.retry_email(communication_context(), existing_id(email_id, "E-mail"))
        return dump(EmailRead, found)
