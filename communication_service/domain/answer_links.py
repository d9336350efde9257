"""Signed answer links of outreach e-mails: binding, expiry, page tokens, the links shown.

A link binds one e-mail and its therapist; it expires with the request; the page token guards
confirming; the e-mail shows three answer links per patient and one overview link.

Pure: signing is HMAC (itsdangerous) over the ids, no I/O; every time comes from the caller
(the service's clock), so a fake clock moves expiry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from itsdangerous import BadData, URLSafeSerializer

from shared.vocabulary import ResponseOutcome

ANSWER_PATH = "/antwort/"  # the public page's path prefix (the only public route with data)
LINK_SALT = "psymatch.answer-link.v1"
PAGE_SALT = "psymatch.answer-page.v1"
# Query parameters of a per-patient link: which request, which answer is preselected.
REQUEST_PARAM, OUTCOME_PARAM = "anfrage", "antwort"
PAGE_TOKEN_FIELD = "page_token"
OUTCOME_FIELD_PREFIX = "antwort-"  # form field per request: antwort-<placement_request_id>

# The three answers a practice gives by link, in the order the e-mail shows them.
LINK_OUTCOMES: tuple[tuple[ResponseOutcome, str], ...] = (
    (ResponseOutcome.ACCEPTED, "Platz frei – ich melde mich"),
    (ResponseOutcome.REJECTED_NO_CAPACITY, "Kein Platz frei"),
    (ResponseOutcome.REJECTED_NOT_SUITABLE, "Passt nicht"),
)
LINK_OUTCOME_CODES = frozenset(outcome.value for outcome, _ in LINK_OUTCOMES)
OVERVIEW_LABEL = "Zur Übersicht"
# Purposes of e-mails that carry answer links (outreach inquiries and their reminders).
LINKED_PURPOSES = frozenset({"outreach", "reminder"})


@dataclass(frozen=True)
class AnswerLinkRules:
    """Base URL of the public page, link lifetime (days after sending), page-token lifetime,
    and the office phone number the pages name."""

    base_url: str
    expiry_days: int
    page_max_age_s: int
    office_phone: str


@dataclass(frozen=True)
class LinkClaims:
    """What a valid link names: one e-mail and the therapist it was sent to."""

    email_id: int
    therapist_id: int


class AnswerLinkSigner:
    """Signs and reads link tokens and page tokens (HMAC-SHA256; different salts: one never
    passes as the other); a token that was changed in any way reads as None."""

    def __init__(self, secret: str) -> None:
        sha256 = {"digest_method": hashlib.sha256}
        self._links = URLSafeSerializer(secret, salt=LINK_SALT, signer_kwargs=sha256)
        self._pages = URLSafeSerializer(secret, salt=PAGE_SALT, signer_kwargs=sha256)

    def link_token(self, email_id: int, therapist_id: int) -> str:
        return str(self._links.dumps([email_id, therapist_id]))

    def read_link(self, token: str) -> LinkClaims | None:
        data = _loads(self._links, token)
        if not _ids(data, 2):
            return None
        return LinkClaims(int(data[0]), int(data[1]))

    def page_token(self, claims: LinkClaims, issued_at: datetime) -> str:
        stamp = int(issued_at.timestamp())
        return str(self._pages.dumps([claims.email_id, claims.therapist_id, stamp]))

    def page_token_valid(
        self, token: str | None, claims: LinkClaims, now: datetime, max_age_s: int
    ) -> bool:
        """True for a page token of this link issued at most `max_age_s` ago."""
        data = _loads(self._pages, token or "")
        if not _ids(data, 3) or [data[0], data[1]] != [claims.email_id, claims.therapist_id]:
            return False
        age = now.timestamp() - data[2]
        return -60 <= age <= max_age_s


def _loads(serializer: URLSafeSerializer, token: str) -> Any:
    if not token or len(token) > 500:
        return None
    try:
        return serializer.loads(token)
    except (BadData, ValueError, TypeError):
        return None


def _ids(data: Any, count: int) -> bool:
    return (
        isinstance(data, list)
        and len(data) == count
        and all(isinstance(value, int) and not isinstance(value, bool) for value in data)
    )


def expires_at(sent_at: datetime, rules: AnswerLinkRules) -> datetime:
    """A link is valid until `expiry_days` after its e-mail was sent (exclusive)."""
    return sent_at + timedelta(days=rules.expiry_days)


def is_expired(sent_at: datetime | None, now: datetime, rules: AnswerLinkRules) -> bool:
    """Expired at and after the end (an unsent e-mail's link is not valid either)."""
    return sent_at is None or now >= expires_at(sent_at, rules)


def page_url(rules: AnswerLinkRules, token: str) -> str:
    """The overview page of one e-mail (tokens are URL-safe: base64url and dots)."""
    return f"{rules.base_url}{ANSWER_PATH}{token}"


def answer_url(rules: AnswerLinkRules, token: str, request_id: int, outcome: str) -> str:
    """The page with one answer preselected for one request (opening it records nothing)."""
    return f"{page_url(rules, token)}?{REQUEST_PARAM}={request_id}&{OUTCOME_PARAM}={outcome}"


@dataclass(frozen=True)
class EmailLinks:
    """The links one e-mail shows: per request the three answers, and the overview."""

    overview_url: str
    per_request: Mapping[int, list[dict[str, str]]]


def email_links(rules: AnswerLinkRules, token: str, request_ids: Sequence[int]) -> EmailLinks:
    """Template data of an e-mail's answer links."""
    return EmailLinks(
        page_url(rules, token),
        {
            request_id: [
                {"label": label, "url": answer_url(rules, token, request_id, outcome.value)}
                for outcome, label in LINK_OUTCOMES
            ]
            for request_id in request_ids
        },
    )
