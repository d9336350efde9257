"""E-mail rules: the lifecycle, which inquiry template, retries with backoff, withdrawals from
unsent e-mails and the reconciliation of a send interrupted mid-delivery."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class EmailState(StrEnum):
    """E-mail lifecycle: draft → queued → sending → sent | failed (or cancelled while unsent)."""

    DRAFT = "draft"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


UNSENT: frozenset[EmailState] = frozenset({EmailState.DRAFT, EmailState.QUEUED})
OUTREACH = "outreach"  # the purpose of an e-mail asking a therapist for a place


def inquiry_template(patient_count: int) -> str:
    """Single or batch inquiry, by the number of patients in the e-mail."""
    return "therapist_single_inquiry" if patient_count == 1 else "therapist_batch_inquiry"


def recipient_of(purpose: str) -> str:
    """Who receives an e-mail of this purpose: the patient, or else the therapist."""
    return "patient" if purpose == "patient" else "therapist"


@dataclass(frozen=True)
class RetryRules:
    """Sending attempts with exponential backoff."""

    max_attempts: int = 5
    backoff_base_s: float = 60.0
    backoff_max_s: float = 3600.0


@dataclass(frozen=True)
class SendFailure:
    """What to do after a failed attempt."""

    give_up: bool
    next_attempt_at: datetime | None


def after_failed_attempt(
    attempts: int, now: datetime, rules: RetryRules, permanent: bool = False
) -> SendFailure:
    """`attempts` counts the failed attempt; after the last one (or a permanent error) give up."""
    if permanent or attempts >= rules.max_attempts:
        return SendFailure(True, None)
    delay = min(rules.backoff_max_s, rules.backoff_base_s * 2 ** (attempts - 1))
    return SendFailure(False, now + timedelta(seconds=delay))


@dataclass(frozen=True)
class RemovalResult:
    """What happens to an unsent e-mail when some of its requests are withdrawn."""

    remaining: tuple[int, ...]
    cancel_email: bool
    rerender: bool


def remove_requests(
    request_ids: Sequence[int], withdrawn: Iterable[int], state: EmailState
) -> RemovalResult | None:
    """Withdraw requests from an unsent e-mail; None when the e-mail can no longer change."""
    if state not in UNSENT:
        return None
    gone = set(withdrawn)
    remaining = tuple(request_id for request_id in request_ids if request_id not in gone)
    changed = len(remaining) != len(request_ids)
    return RemovalResult(remaining, changed and not remaining, changed and bool(remaining))


@dataclass(frozen=True)
class Reconciliation:
    """The answer for an e-mail left in `sending` (the worker stopped mid-delivery)."""

    state: EmailState
    delivery_confirmed: bool | None
    note: str = ""


def reconcile_sending(accepted: bool | None) -> Reconciliation:
    """At most once: resend only when the SMTP side is known not to have the Message-ID."""
    if accepted is False:
        return Reconciliation(EmailState.QUEUED, None, "not accepted by SMTP: sent again")
    if accepted is True:
        return Reconciliation(EmailState.SENT, True, "accepted by SMTP before the stop")
    return Reconciliation(
        EmailState.SENT, False, "delivery unconfirmed: worker stopped during SMTP; not resent"
    )


@dataclass(frozen=True)
class Draft:
    """What composing needs of a draft, read in a short transaction."""

    row: dict[str, Any]
    request_ids: list[int]
    requests: list[dict[str, Any]]


DIRECTORY_UNAVAILABLE = "directory_unavailable"


@dataclass(frozen=True)
class Composed:
    """The outcome of composing one draft (outside the transaction)."""

    to_address: str | None
    template: str = ""
    subject: str = ""
    text: str = ""
    html: str = ""
    problem: str | None = None  # no_address | unknown_recipient | directory_unavailable
