"""Answer-page use cases: open the page (reads only), confirm answers on it.

Mail scanners open links, so opening records nothing; confirmed answers are recorded through the
same use case as staff's `POST /api/responses` (channel `link`, actor `therapist:<id>`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from communication_service.context import CommunicationContext
from communication_service.domain import answer_pages as pages
from communication_service.domain.answer_links import (
    PAGE_TOKEN_FIELD,
    LinkClaims,
    is_expired,
)
from communication_service.domain.errors import AlreadyAnswered, NotContacted, RecordedConcurrently
from communication_service.domain.requests import is_open
from communication_service.domain.responses import ResponseInput
from communication_service.services import responses
from shared.vocabulary import Channel


@dataclass(frozen=True)
class Page:
    """A rendered page and, once the link was valid, whom it concerns (for the audit trail)."""

    status: int
    html: str
    therapist_id: int | None = None
    email_id: int | None = None
    patient_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Loaded:
    """A valid link's e-mail, therapist, requests and their recorded answers."""

    claims: LinkClaims
    email: dict[str, Any]
    therapist: dict[str, Any] | None
    requests: list[dict[str, Any]]
    answers: dict[int, dict[str, Any]]

    @property
    def request_ids(self) -> list[int]:
        return [request["placement_request_id"] for request in self.requests]


def actor_of(therapist_id: int) -> str:
    """Who answered by link, in answers and the audit trail."""
    return f"therapist:{therapist_id}"


def show_page(
    ctx: CommunicationContext, token: str, request_param: str | None, outcome_param: str | None
) -> Page:
    """GET: the e-mail's patients, their answers, the choices; records nothing."""
    now = ctx.clock.now()
    loaded = _load(ctx, token, now)
    if isinstance(loaded, pages.PageProblem):
        return _problem(ctx, loaded)
    preselect = pages.preselection(request_param, outcome_param, set(loaded.request_ids))
    return _page(ctx, token, loaded, now, preselect=preselect)


def confirm_answers(ctx: CommunicationContext, token: str, form: Mapping[str, str]) -> Page:
    """POST: with a valid page token, record the chosen answers and say what they did."""
    now = ctx.clock.now()
    loaded = _load(ctx, token, now)
    if isinstance(loaded, pages.PageProblem):
        return _problem(ctx, loaded)
    rules = ctx.answer_link_rules
    if not ctx.answer_link_signer.page_token_valid(
        form.get(PAGE_TOKEN_FIELD), loaded.claims, now, rules.page_max_age_s
    ):
        return _problem(ctx, pages.page_token_refused(rules.office_phone), loaded)
    if pages.answers_refused(loaded.email, loaded.therapist):
        return _page(ctx, token, loaded, now, status=409)
    posted = pages.posted_answers(form, loaded.request_ids)
    fresh = [(rid, outcome) for rid, outcome in posted.outcomes if rid not in loaded.answers]
    results = {rid: "already_answered" for rid, _ in posted.outcomes if rid in loaded.answers}
    if not posted.outcomes:
        message = "Bitte wählen Sie mindestens eine Antwort aus und bestätigen Sie dann."
        return _page(ctx, token, loaded, now, status=422, message=message)
    recorded = False
    if fresh:
        was_open = {r["placement_request_id"]: is_open(r["state"]) for r in loaded.requests}
        data = ResponseInput(
            loaded.claims.therapist_id,
            Channel.LINK.value,
            fresh,
            None,
            actor_of(loaded.claims.therapist_id),
        )
        try:
            effects = pages.reported_effects(_as_mapping(responses.record_response(ctx, data)))
        except (AlreadyAnswered, RecordedConcurrently):
            results.update({rid: "already_answered" for rid, _ in fresh})
        except NotContacted:
            return _problem(ctx, pages.invalid_link(rules.office_phone))
        else:
            recorded = True
            for rid, outcome in fresh:
                results[rid] = pages.effect_text(effects.get(rid), outcome, was_open[rid])
    texts = {
        rid: pages.EFFECT_TEXTS[value] if value in pages.EFFECT_TEXTS else value
        for rid, value in results.items()
    }
    after = _load(ctx, token, now)
    shown = after if isinstance(after, Loaded) else loaded
    return _page(ctx, token, shown, now, results=texts, cooling=recorded)


def _load(ctx: CommunicationContext, token: str, now: datetime) -> Loaded | pages.PageProblem:
    """The link's e-mail and what the page shows, or why the link leads nowhere."""
    rules = ctx.answer_link_rules
    claims = ctx.answer_link_signer.read_link(token)
    if claims is None:
        return pages.invalid_link(rules.office_phone)
    with ctx.unit_of_work() as uow:
        email = uow.answer_links.email(claims.email_id)
        if (
            email is None
            or email["therapist_id"] != claims.therapist_id
            or not pages.links_allowed(email)
        ):
            return pages.invalid_link(rules.office_phone)
        if email["state"] != "cancelled" and is_expired(email["sent_at"], now, rules):
            return pages.expired_link(rules.office_phone)
        requests = uow.answer_links.carried_requests(claims.email_id)
        answers = uow.answer_links.answers_among(
            [request["placement_request_id"] for request in requests]
        )
        therapist = uow.answer_links.therapist(claims.therapist_id)
    return Loaded(claims, email, therapist, requests, answers)


def _notice(ctx: CommunicationContext, loaded: Loaded) -> str | None:
    phone = ctx.answer_link_rules.office_phone
    return pages.closed_notice(
        loaded.email, loaded.therapist, loaded.requests, loaded.answers, phone
    )


def _page(
    ctx: CommunicationContext,
    token: str,
    loaded: Loaded,
    now: datetime,
    status: int = 200,
    preselect: Mapping[int, str] | None = None,
    results: Mapping[int, str] | None = None,
    message: str | None = None,
    cooling: bool = False,
) -> Page:
    notice = _notice(ctx, loaded)
    rows = pages.patient_rows(loaded.requests, loaded.answers, notice is None, preselect or {})
    for row in rows:
        row["result"] = (results or {}).get(row["request_id"])
    context = {
        "title": "Ihre Antwort auf unsere Anfrage",
        "notice": notice,
        "message": message,
        "patients": rows,
        "can_answer": notice is None and any(row["choices"] for row in rows),
        "page_token_field": PAGE_TOKEN_FIELD,
        "page_token": ctx.answer_link_signer.page_token(loaded.claims, now),
        "cooling": pages.cooling_text(ctx.outreach_rules.cooling_period_days) if cooling else None,
        "office_phone": ctx.answer_link_rules.office_phone,
        "sent_on": pages.german_date(loaded.email["sent_at"]) if loaded.email["sent_at"] else "",
    }
    html = ctx.renderer.page("answer_page", context)
    return Page(
        status,
        html,
        loaded.claims.therapist_id,
        loaded.claims.email_id,
        tuple(request["patient_id"] for request in loaded.requests),
    )


def _problem(
    ctx: CommunicationContext, problem: pages.PageProblem, loaded: Loaded | None = None
) -> Page:
    context = {"title": problem.title, "text": problem.text}
    html = ctx.renderer.page("answer_problem", context)
    if loaded is None:
        return Page(problem.status, html)
    return Page(problem.status, html, loaded.claims.therapist_id, loaded.claims.email_id)


def _as_mapping(result: Any) -> Mapping[str, Any]:
    """The response use case's result as a mapping, whatever form it takes."""
    if isinstance(result, Mapping):
        return result
    if hasattr(result, "model_dump"):
        return dict(result.model_dump(mode="json"))
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return dataclasses.asdict(result)
    return {}


__all__ = ["Page", "actor_of", "confirm_answers", "show_page"]
