"""Communication resources: e-mails, retries, contact history, templates, responses."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import g
from flask_restful import Resource
from pydantic import BaseModel

from communication_service import services
from communication_service.api.schemas import (
    MAX_ID,
    ContactHistory,
    EmailListQuery,
    EmailPage,
    EmailRead,
    EmailSummary,
    Preview,
    ResponseCreate,
    ResponseRead,
    TemplateList,
)
from communication_service.rendering import UnknownTemplate
from communication_service.responses import AlreadyAnswered, NotContacted, ResponseInput
from shared.http.errors import ApiError
from shared.http.idempotency import idempotent
from shared.http.operations import AuditRecord, operation
from shared.http.ops import context
from shared.http.pagination import page_body

STAFF = ("staff",)
NOT_FOUND = ("Not found", None)


def dump(model: type[BaseModel], data: Any) -> dict[str, Any]:
    """Validate an outgoing body against its documented schema."""
    return model.model_validate(data).model_dump(mode="json")


def actor() -> str:
    """The authenticated subject (recorded with the answer)."""
    principal = getattr(g, "principal", None)
    return principal.subject if principal else "unknown"


def existing_id(value: int, what: str) -> int:
    """Ids beyond bigint cannot exist (and must not reach PostgreSQL)."""
    if value > MAX_ID:
        raise ApiError(404, f"{what} {value} not found.")
    return value


@contextmanager
def service_errors() -> Iterator[None]:
    """Use-case exceptions → 404 / 409 / 422 with the platform's error body."""
    try:
        yield
    except services.EmailNotFound as exc:
        raise ApiError(404, f"E-mail {exc.args[0]} not found.") from exc
    except (services.Conflict, AlreadyAnswered) as exc:
        raise ApiError(409, str(exc), "conflict") from exc
    except NotContacted as exc:
        raise ApiError(422, str(exc), "not_contacted", {"placement_request_ids": exc.ids}) from exc
    except UnknownTemplate as exc:
        raise ApiError(404, f"No template named '{exc.args[0]}'.") from exc


class EmailListResource(Resource):
    @operation(
        "E-mails (filters: therapist, patient, status), newest first",
        roles=STAFF,
        query=EmailListQuery,
        tags=("emails",),
        responses={200: ("E-mails", EmailPage)},
        audit=(
            AuditRecord("patient", query="patient_id"),
            AuditRecord("patient", response="items.patient_id"),
        ),
    )
    def get(self, query: EmailListQuery) -> Any:
        filters = query.model_dump(include={"therapist_id", "patient_id", "status"})
        rows, total = services.list_emails(context(), filters, query.offset, query.per_page)
        return page_body([dump(EmailSummary, r) for r in rows], query, total)


class EmailResource(Resource):
    @operation(
        "One e-mail with rendered bodies and the placement requests it carries",
        roles=STAFF,
        tags=("emails",),
        responses={200: ("E-mail", EmailRead), 404: NOT_FOUND},
        audit=(
            AuditRecord("email", path="email_id"),
            AuditRecord("patient", response="patient_id"),
        ),
    )
    def get(self, email_id: int) -> Any:
        with service_errors():
            return dump(EmailRead, services.get_email(context(), existing_id(email_id, "E-mail")))


class EmailRetryResource(Resource):
    @operation(
        "Queue a failed e-mail again",
        roles=STAFF,
        tags=("emails",),
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
        with service_errors():
            found = services.retry_email(context(), existing_id(email_id, "E-mail"))
        return dump(EmailRead, found)


class ContactHistoryResource(Resource):
    @operation(
        "A therapist's contacts, answers and cooling periods",
        roles=STAFF,
        tags=("therapists",),
        responses={200: ("Contact history", ContactHistory), 404: NOT_FOUND},
    )
    def get(self, therapist_id: int) -> Any:
        history = services.contact_history(context(), existing_id(therapist_id, "Therapist"))
        return dump(ContactHistory, history)


class TemplateListResource(Resource):
    @operation(
        "E-mail templates",
        roles=STAFF,
        tags=("templates",),
        responses={200: ("Templates", TemplateList)},
    )
    def get(self) -> Any:
        return {"items": services.templates()}


class TemplatePreviewResource(Resource):
    @operation(
        "Render a template with sample data",
        roles=STAFF,
        tags=("templates",),
        responses={200: ("Rendered", Preview), 404: NOT_FOUND},
        audit=("template", "name"),
    )
    def post(self, name: str) -> Any:
        with service_errors():
            return services.preview(context(), name)


class ResponseListResource(Resource):
    @operation(
        "Record a therapist's answer (starts the cooling period)",
        roles=STAFF,
        body=ResponseCreate,
        tags=("responses",),
        responses={
            201: ("Recorded", ResponseRead),
            409: ("Already answered", None),
            415: ("The body is not JSON", None),
            422: ("Never sent to this therapist", None),
        },
        audit=(
            AuditRecord("response", response="response_id"),
            AuditRecord("patient", response="outcomes.patient_id"),
        ),
    )
    @idempotent
    def post(self, body: ResponseCreate) -> Any:
        data = ResponseInput(
            body.therapist_id,
            body.channel.value,
            [(o.placement_request_id, o.outcome.value) for o in body.outcomes],
            body.note,
            actor(),
        )
        with service_errors():
            return services.record_response(context(), data), 201
