"""Pure follow-up rules: when an unanswered outreach e-mail gets a call; what a failed call means.

Every number comes in through CallRules (settings pass their values in); time comes in as `now`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from communication_service.domain.slots import SlotRules, find_slot, window_end
from shared import rules

NO_RESPONSE = "no_response"  # placement request status after the last failed call


@dataclass(frozen=True)
class CallRules:
    """The follow-up numbers of docs/domain.md step 5; slot numbers live in `slots`."""

    follow_up_after_days: int = rules.FOLLOW_UP_AFTER_DAYS
    max_call_attempts: int = rules.MAX_CALL_ATTEMPTS
    slots: SlotRules = field(default_factory=SlotRules)
    outcome_grace_hours: int = rules.CALL_OUTCOME_GRACE_HOURS

    @property
    def follow_up_after(self) -> timedelta:
        return timedelta(days=self.follow_up_after_days)

    @property
    def outcome_grace(self) -> timedelta:
        return timedelta(hours=self.outcome_grace_hours)

    def for_postal_code(self, postal_code: str | None) -> CallRules:
        """These rules with the public holidays of the practice's Bundesland."""
        return replace(self, slots=self.slots.for_postal_code(postal_code))


@dataclass(frozen=True)
class SentOutreach:
    """What the follow-up job knows about one outreach e-mail."""

    email_id: int
    therapist_id: int
    sent_at: datetime | None
    open_request_ids: tuple[int, ...]  # requests of the e-mail still waiting for an answer
    answered: bool = False  # the therapist answered about any patient of this e-mail
    has_follow_up_call: bool = False


class CallAction(StrEnum):
    """What to do with a call after planning it."""

    SCHEDULE = "schedule"  # book `slot_start` as attempt `attempt`
    EXPIRE = "expire"  # attempts used up: the open requests end as no_response
    NO_SLOT = "no_slot"  # nothing free within the horizon: staff must plan the call


@dataclass(frozen=True)
class CallPlan:
    """The decision for one call; `final` marks the failure that used up the attempts."""

    action: CallAction
    attempt: int
    slot_start: datetime | None = None
    flag_for_staff: bool = False
    final: bool = False
    reason: str = ""


def follow_up_due_at(sent_at: datetime, rules: CallRules = CallRules()) -> datetime:
    """The moment an unanswered e-mail becomes due for its follow-up call."""
    return sent_at + rules.follow_up_after


def follow_up_blocker(
    email: SentOutreach, now: datetime, rules: CallRules = CallRules()
) -> str | None:
    """Why no follow-up call is due now, or None when it is due."""
    if email.sent_at is None:
        return "not_sent"
    if email.answered:
        return "answered"
    if email.has_follow_up_call:
        return "call_exists"
    if not email.open_request_ids:
        return "no_open_requests"
    if now < follow_up_due_at(email.sent_at, rules):
        return "too_early"
    return None


def is_follow_up_due(email: SentOutreach, now: datetime, rules: CallRules = CallRules()) -> bool:
    """True when the e-mail needs its (single) follow-up call now."""
    return follow_up_blocker(email, now, rules) is None


def due_follow_ups(
    emails: Iterable[SentOutreach], now: datetime, rules: CallRules = CallRules()
) -> list[SentOutreach]:
    """The e-mails due a follow-up call, oldest sent first (one call per e-mail, never two)."""
    due = [email for email in emails if is_follow_up_due(email, now, rules)]
    return sorted(due, key=lambda email: (email.sent_at, email.email_id))


def plan_first_call(
    phone_hours: Any,
    booked: Iterable[datetime],
    now: datetime,
    rules: CallRules = CallRules(),
    default_window: Any = None,
) -> CallPlan:
    """Attempt 1 in the earliest free slot of the therapist's phone hours (or the default)."""
    return _plan(1, phone_hours, booked, now, rules, default_window, None)


def after_failed_call(
    failed_attempts: int,
    failed_slot_start: datetime,
    phone_hours: Any,
    booked: Iterable[datetime],
    now: datetime,
    rules: CallRules = CallRules(),
    default_window: Any = None,
) -> CallPlan:
    """`failed_attempts` counts this failure; reschedule to the next window or expire."""
    if failed_attempts >= rules.max_call_attempts:
        return CallPlan(CallAction.EXPIRE, failed_attempts, final=True, reason="max_attempts")
    not_before = window_end(phone_hours, failed_slot_start, default_window)
    return _plan(failed_attempts + 1, phone_hours, booked, now, rules, default_window, not_before)


def _plan(
    attempt: int,
    phone_hours: Any,
    booked: Iterable[datetime],
    now: datetime,
    rules: CallRules,
    default_window: Any,
    not_before: datetime | None,
) -> CallPlan:
    """Book the earliest fitting slot, or hand the call to staff when none fits."""
    choice = find_slot(phone_hours, booked, now, rules.slots, default_window, not_before)
    if choice is None:
        return CallPlan(CallAction.NO_SLOT, attempt, flag_for_staff=True, reason="no_slot")
    reason = "default_window" if choice.used_default_window else ""
    flag = choice.used_default_window
    return CallPlan(CallAction.SCHEDULE, attempt, choice.start, flag_for_staff=flag, reason=reason)
