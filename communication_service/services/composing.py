"""Composing drafts: resolve the recipient over HTTP, render, assign a Message-ID, queue.

HTTP calls happen outside any transaction; the result is written only if the draft did not
change meanwhile (same state, same carried requests).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from communication_service.clients.directory import Directory, DirectoryUnavailable
from communication_service.clients.rendering import Renderer
from communication_service.clients.smtp import new_message_id
from communication_service.context import CommunicationContext
from communication_service.domain.answer_links import LINKED_PURPOSES, EmailLinks, email_links
from communication_service.domain.emails import (
    DIRECTORY_UNAVAILABLE,
    OUTREACH,
    Composed,
    Draft,
    EmailState,
    inquiry_template,
)
from communication_service.domain.requests import RequestState
from communication_service.domain.templates import patient_context, therapist_context
from communication_service.services.withdrawals import cancel_email
from communication_service.store import events
from communication_service.store.unit_of_work import CommunicationUnitOfWork


def compose_drafts(ctx: CommunicationContext, now: datetime) -> dict[str, int]:
    """Resolve recipients and render due drafts (HTTP outside transactions), then store the
    batch in one transaction; each draft is written only if it did not change meanwhile."""
    with ctx.unit_of_work() as uow:
        drafts = due_drafts(uow, now, ctx.batch_size)
    if not drafts:
        return {}
    links = link_maker(ctx)
    composed = [(d, compose(d, ctx.directory, ctx.renderer, links)) for d in drafts]
    counts: dict[str, int] = {}
    with ctx.unit_of_work() as uow:
        unchanged = unchanged_drafts(uow, drafts)
        for draft, result in composed:
            outcome = "stale"
            if draft.row["id"] in unchanged:
                message_id = new_message_id(ctx.smtp, draft.row["id"])
                retry_s = ctx.retry_rules.backoff_base_s
                outcome = store_composed(uow, draft, result, now, retry_s, message_id)
            counts[outcome] = counts.get(outcome, 0) + 1
        uow.commit()
    return counts


def unchanged_drafts(uow: CommunicationUnitOfWork, drafts: list[Draft]) -> set[int]:
    """The drafts still as read (a draft carrying the same requests), locked to the end of the
    transaction: only these are written."""
    ids = [draft.row["id"] for draft in drafts]
    states = uow.deliveries.lock_states(ids)
    carried = uow.emails.carried_ids_of(ids)
    return {
        draft.row["id"]
        for draft in drafts
        if states.get(draft.row["id"]) == EmailState.DRAFT.value
        and carried[draft.row["id"]] == draft.request_ids
    }


LinkMaker = Callable[[Draft], EmailLinks]


def link_maker(ctx: CommunicationContext) -> LinkMaker:
    """The answer links of a draft: signed for its e-mail id and its therapist."""

    def make(draft: Draft) -> EmailLinks:
        token = ctx.answer_link_signer.link_token(draft.row["id"], draft.row["therapist_id"])
        return email_links(ctx.answer_link_rules, token, draft.request_ids)

    return make


def due_drafts(uow: CommunicationUnitOfWork, now: datetime, limit: int) -> list[Draft]:
    """Drafts whose (re)composition is due, with the requests they carry."""
    rows = uow.deliveries.due_drafts(now, limit)
    if not rows:
        return []
    carried = uow.emails.carried_ids_of([row["id"] for row in rows])
    wanted = sorted({i for ids in carried.values() for i in ids})
    found = {r["placement_request_id"]: dict(r) for r in uow.requests.by_id(wanted)}
    drafts = []
    for row in rows:
        ids = carried[row["id"]]
        requests = [found[i] for i in sorted(ids) if i in found]  # in id order, as by_id
        drafts.append(Draft(row, ids, requests))
    return drafts


def compose(
    draft: Draft, directory: Directory, renderer: Renderer, links: LinkMaker | None = None
) -> Composed:
    """Fetch contact data and render (no database access here); outreach e-mails and
    reminders carry signed answer links when `links` is given."""
    try:
        if draft.row["recipient"] == "therapist":
            return _therapist_mail(draft, directory, renderer, links)
        return _patient_mail(draft, directory, renderer)
    except DirectoryUnavailable:
        return Composed(None, problem=DIRECTORY_UNAVAILABLE)


def _therapist_mail(
    draft: Draft, directory: Directory, renderer: Renderer, links: LinkMaker | None
) -> Composed:
    therapist = directory.therapist(draft.row["therapist_id"])
    if therapist is None or not therapist.get("email"):
        return Composed(None, problem="no_address" if therapist else "unknown_recipient")
    template = draft.row["template"]
    if draft.row["purpose"] == OUTREACH:
        template = inquiry_template(len(draft.requests))
    answer_links = links(draft) if links and draft.row["purpose"] in LINKED_PURPOSES else None
    context = therapist_context(
        therapist, draft.requests, links=answer_links, **draft.row["context"]
    )
    rendered = renderer.render(template, context)
    return Composed(therapist["email"], template, rendered.subject, rendered.text, rendered.html)


def _patient_mail(draft: Draft, directory: Directory, renderer: Renderer) -> Composed:
    patient = directory.patient(draft.row["patient_id"])
    if patient is None or not patient.get("email"):
        return Composed(None, problem="no_address" if patient else "unknown_recipient")
    therapist = None
    if draft.row["context"].get("therapist_id"):
        therapist = directory.therapist(draft.row["context"]["therapist_id"])
    context = patient_context(patient, draft.row["patient_id"], therapist)
    rendered = renderer.render(draft.row["template"], context)
    return Composed(
        patient["email"], draft.row["template"], rendered.subject, rendered.text, rendered.html
    )


def store_composed(
    uow: CommunicationUnitOfWork,
    draft: Draft,
    composed: Composed,
    now: datetime,
    retry_s: float,
    message_id: str,
) -> str:
    """Write the outcome of a draft locked unchanged (`unchanged_drafts`); returns queued |
    retry | dropped."""
    email_id = draft.row["id"]
    if composed.problem == DIRECTORY_UNAVAILABLE:
        uow.deliveries.postpone(email_id, now + timedelta(seconds=retry_s), composed.problem)
        return "retry"
    if composed.problem is not None:
        _undeliverable(uow, draft, now, composed.problem)
        return "dropped"
    uow.deliveries.queue(email_id, composed, now, message_id)
    uow.events.add(events.email_queued(draft, composed.template, now), now)
    return "queued"


def _undeliverable(uow: CommunicationUnitOfWork, draft: Draft, now: datetime, why: str) -> None:
    """No address: the e-mail is cancelled; an outreach's requests go to phone outreach."""
    cancel_email(uow, draft.row["id"], now, why)
    if draft.row["purpose"] == OUTREACH:
        uow.requests.set_state(draft.request_ids, RequestState.PHONE_PENDING, now)
        uow.ledger.void_email(draft.row["id"], now)
