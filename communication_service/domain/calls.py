"""Pure rules of a phone call's life: scheduled → completed | failed | cancelled.

Standard library plus the pure follow-up module; no database, no Flask, no clock reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from communication_service.domain.follow_ups import CallAction, CallPlan, CallRules
from communication_service.domain.outreach import OutreachRules
from shared.weekly_windows import WindowError, parse


class CallState(StrEnum):
    """Phone call lifecycle (docs/domain.md "States")."""

    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class CallPurpose(StrEnum):
    """Why the call happens: follow-up of an unanswered e-mail, or phone as first contact."""

    FOLLOW_UP = "follow_up"
    FIRST_CONTACT = "first_contact"


# The contact ledger's kind per purpose: a first-contact call is the therapist's outreach.
LEDGER_KIND: dict[CallPurpose, str] = {
    CallPurpose.FOLLOW_UP: "follow_up",
    CallPurpose.FIRST_CONTACT: "outreach",
}


def outcome_refusal(state: str) -> str | None:
    """Why no outcome may be recorded for a call in `state` now (None: it may)."""
    if state == CallState.SCHEDULED.value:
        return None
    return f"The call is already {state}."


def requests_not_in_call(in_call: Iterable[int], answered: Iterable[int]) -> list[int]:
    """Outcome ids that the call does not carry (sorted; empty when all belong to it)."""
    return sorted(set(answered) - set(in_call))


def retry_base(now: datetime, slot_start: datetime | None) -> datetime:
    """Rescheduling counts from the failed slot when staff record the failure early."""
    return max(now, slot_start) if slot_start is not None else now


@dataclass(frozen=True)
class CallChange:
    """What a failed attempt does to the stored call."""

    state: CallState
    attempt: int
    slot_start: datetime | None
    flagged_for_staff: bool
    flag_reason: str | None
    final: bool
    rescheduled: bool


def after_not_reached(plan: CallPlan, flagged: bool, flag_reason: str | None) -> CallChange:
    """Apply `after_failed_call`'s plan: next window, staff hand-over, or the final failure."""
    if plan.action is CallAction.EXPIRE:
        return CallChange(CallState.FAILED, plan.attempt, None, flagged, flag_reason, True, False)
    reason = plan.reason or flag_reason
    keep_flag = flagged or plan.flag_for_staff
    if plan.action is CallAction.NO_SLOT:
        return CallChange(CallState.SCHEDULED, plan.attempt, None, True, "no_slot", False, False)
    return CallChange(
        CallState.SCHEDULED,
        plan.attempt,
        plan.slot_start,
        keep_flag,
        reason if keep_flag else None,
        False,
        True,
    )


def first_contact_ids(pending: Sequence[int], already_in_calls: Iterable[int]) -> list[int]:
    """Phone-pending requests that no live call carries yet (each gets one first contact)."""
    taken = set(already_in_calls)
    return [request_id for request_id in pending if request_id not in taken]


def joinable(call: Mapping[str, Any] | None, now: datetime) -> bool:
    """A scheduled first-contact call whose first attempt has not taken place (nor its slot
    passed) may take more requests; a call in progress never does, so every request it carries
    shares its attempt count and gets all `MAX_CALL_ATTEMPTS` of its own."""
    if call is None:
        return False
    if call["purpose"] != CallPurpose.FIRST_CONTACT.value:
        return False
    if call["state"] != CallState.SCHEDULED.value or call["attempt"] != 1:
        return False
    return call["slot_start"] is None or call["slot_start"] > now


def overdue_before(now: datetime, slot: timedelta, grace: timedelta) -> datetime:
    """A scheduled call whose slot started at or before this moment (its slot ended `grace`
    ago) and that has no outcome counts as not reached."""
    return now - slot - grace


def flag_of(plan: CallPlan) -> tuple[bool, str | None]:
    """The staff flag of a new call: default window used, or no slot found."""
    if not plan.flag_for_staff:
        return False, None
    return True, plan.reason or "flagged"


def call_rules_for(therapist: Mapping[str, Any] | None, rules: CallRules) -> CallRules:
    """The call rules of this therapist's practice: its Bundesland's holidays are skipped."""
    postal_code = therapist.get("postal_code") if therapist is not None else None
    return rules.for_postal_code(postal_code)


def phone_hours(therapist: Mapping[str, Any] | None) -> Any:
    """The stored phone hours, or {} when missing or unreadable (the default window applies)."""
    raw = therapist["phone_hours"] if therapist is not None else None
    try:
        return raw if parse(raw) else {}
    except WindowError:
        return {}


@dataclass(frozen=True)
class OutcomeInput:
    """What staff send about one call."""

    call_id: int
    reached: bool
    outcomes: list[tuple[int, str]]
    note: str | None
    actor: str


@dataclass(frozen=True)
class OutcomeRules:
    """The numbers an outcome needs (settings): answers, rescheduling, the default window."""

    outreach: OutreachRules
    calls: CallRules
    default_window: Any
