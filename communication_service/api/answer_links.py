"""The public answer page `/antwort/<token>` (no bearer token: the signed link is the key).

GET shows the page and records nothing; POST confirms answers (with the page's token)."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_restful import Resource

from communication_service.api.common import communication_context
from communication_service.domain.answer_links import OUTCOME_PARAM, REQUEST_PARAM
from communication_service.services import answer_links
from shared.audit import RecordRef
from shared.http.audit import audit_as
from shared.http.auth import Principal
from shared.http.operations import operation

TAGS = ("answer-links",)
THERAPIST_ROLE = "therapist"  # the audit role of a practice answering by link (no token role)
# The page holds a form and a signed URL: never cached, framed, indexed or sent as a referrer.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}
PAGE = ("The answer page (HTML, German)", None)
INVALID = ("Link invalid or tampered with, or page token missing (HTML page)", None)
EXPIRED = ("Link expired (HTML page)", None)
TOO_MANY = ("Too many requests for this link", None)


class AnswerPageResource(Resource):
    @operation(
        "Answer page of an outreach e-mail (public; opening it records nothing). Query "
        f"`{REQUEST_PARAM}` + `{OUTCOME_PARAM}` preselect one answer",
        roles=None,
        tags=TAGS,
        responses={200: PAGE, 403: INVALID, 410: EXPIRED, 429: TOO_MANY},
    )
    def get(self, token: str) -> Any:
        page = answer_links.show_page(
            communication_context(),
            token,
            request.args.get(REQUEST_PARAM),
            request.args.get(OUTCOME_PARAM),
        )
        return _html(page)

    @operation(
        "Confirm answers on the answer page (public; an HTML form with its page token)",
        roles=None,
        tags=TAGS,
        responses={
            200: PAGE,
            403: INVALID,
            409: ("Answers are closed (opted out, blocked, withdrawn)", None),
            410: EXPIRED,
            422: ("No answer chosen", None),
            429: TOO_MANY,
        },
    )
    def post(self, token: str) -> Any:
        form = {name: value for name, value in request.form.items()}
        page = answer_links.confirm_answers(communication_context(), token, form)
        if page.therapist_id is not None:
            records = [RecordRef("email", str(page.email_id))]
            records += [RecordRef("patient", str(patient)) for patient in page.patient_ids]
            audit_as(Principal(answer_links.actor_of(page.therapist_id), THERAPIST_ROLE), records)
        return _html(page)


def _html(page: answer_links.Page) -> Response:
    return Response(page.html, status=page.status, mimetype="text/html", headers=PAGE_HEADERS)
