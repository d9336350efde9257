"""Placement request states and the decisions that move them (terminal states never change)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shared.vocabulary import CancelReason


class RequestStatus(StrEnum):
    """proposed → queued → contacted → (follow_up_scheduled) → a terminal state."""

    PROPOSED = "proposed"
    QUEUED = "queued"
    CONTACTED = "contacted"
    FOLLOW_UP_SCHEDULED = "follow_up_scheduled"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    NO_RESPONSE = "no_response"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


_PROGRESS = {
    RequestStatus.PROPOSED: 0,
    RequestStatus.QUEUED: 1,
    RequestStatus.CONTACTED: 2,
    RequestStatus.FOLLOW_UP_SCHEDULED: 3,
}
OPEN: frozenset[RequestStatus] = frozenset(_PROGRESS)
NOT_CONTACTED: frozenset[RequestStatus] = frozenset({RequestStatus.PROPOSED, RequestStatus.QUEUED})
TERMINAL: frozenset[RequestStatus] = frozenset(RequestStatus) - OPEN
# Ended without an answer: an acceptance that arrives later still counts (docs/domain.md step 8);
# a cancelled request only if the therapist had been contacted about it.
ENDED_UNANSWERED: frozenset[RequestStatus] = frozenset(
    {RequestStatus.EXPIRED, RequestStatus.NO_RESPONSE}
)
EXCLUDING_OUTCOMES = frozenset({"rejected_not_suitable", "no_show"})


def counts_as_asked(status: str, contacted_at: datetime | None) -> bool:
    """Whether a request keeps its therapist from being asked about the patient again: every
    request does (an open one, or one that reached the therapist) except one cancelled before
    any contact (a pause, a block, changed criteria), which was never an ask. The database
    holds the same rule (`ASKED_PAIR_SQL`, the unique index over asked pairs)."""
    return not (status == RequestStatus.CANCELLED and contacted_at is None)


# The same rule as SQL: the predicate of the partial unique index `uq_placement_requests_asked`.
ASKED_PAIR_SQL = "status <> 'cancelled' OR contacted_at IS NOT NULL"


def is_open(status: str) -> bool:
    """True for a request still waiting for an answer."""
    return status in OPEN


def advance(current: str, target: RequestStatus) -> RequestStatus | None:
    """The new open status if `target` is further along than `current`; else None (no change)."""
    if current not in OPEN or target not in OPEN:
        return None
    return target if _PROGRESS[target] > _PROGRESS[RequestStatus(current)] else None


def close(current: str, target: RequestStatus) -> RequestStatus | None:
    """Move an open request to a terminal state; a terminal request never changes."""
    if target not in TERMINAL:
        raise ValueError(f"{target} is not terminal")
    return target if current in OPEN else None


def after_contact_event(current: str, kind: str) -> RequestStatus | None:
    """email_sent / call_completed → contacted; call_scheduled → queued or follow-up."""
    if kind in ("email_sent", "call_completed"):
        return advance(current, RequestStatus.CONTACTED)
    if kind == "call_scheduled":
        follow_up = current in (RequestStatus.CONTACTED, RequestStatus.FOLLOW_UP_SCHEDULED)
        return advance(
            current, RequestStatus.FOLLOW_UP_SCHEDULED if follow_up else RequestStatus.QUEUED
        )
    return None


@dataclass(frozen=True)
class ResponseDecision:
    """What one recorded answer does to its request and the patient; `place_gone`: the
    therapist accepted a patient placed elsewhere and must be told the place is gone."""

    new_status: RequestStatus | None
    place_patient: bool = False
    exclude_therapist: bool = False
    capacity_no: bool = False
    reason: str | None = None
    place_gone: bool = False


def accepts_late(current: str, contacted: bool) -> bool:
    """A request that ended unanswered (expired, no_response, cancelled after contact)."""
    if current in ENDED_UNANSWERED:
        return True
    return current == RequestStatus.CANCELLED and contacted


def decide_response(
    outcome: str,
    current: str,
    patient_placed: bool,
    patient_searching: bool = True,
    contacted: bool = False,
) -> ResponseDecision:
    """First acceptance wins; an acceptance after the request ended unanswered still places a
    searching patient (a late acceptance); one for a placed patient cancels its open request or
    tells the therapist the place is gone; rejections close the request."""
    exclude = outcome in EXCLUDING_OUTCOMES
    capacity_no = outcome == "rejected_no_capacity"
    if outcome == "accepted":
        return _acceptance(current, patient_placed, patient_searching, contacted)
    return ResponseDecision(
        close(current, RequestStatus.REJECTED),
        exclude_therapist=exclude,
        capacity_no=capacity_no,
        reason=outcome,
    )


def _acceptance(
    current: str, patient_placed: bool, patient_searching: bool, contacted: bool
) -> ResponseDecision:
    if patient_placed:
        cancelled = close(current, RequestStatus.CANCELLED)
        return ResponseDecision(
            cancelled, reason="placed_elsewhere", place_gone=current != RequestStatus.ACCEPTED
        )
    if current in OPEN:
        return ResponseDecision(RequestStatus.ACCEPTED, place_patient=True, reason="accepted")
    if patient_searching and accepts_late(current, contacted):
        return ResponseDecision(
            RequestStatus.ACCEPTED, place_patient=True, reason="late_acceptance"
        )
    return ResponseDecision(None)


def cooling_until(answered_at: datetime, cooling_days: int) -> datetime:
    """The end of a therapist's cooling period (exclusive: contact allowed from then on)."""
    return answered_at + timedelta(days=cooling_days)


def is_expired(first_contact_at: datetime | None, now: datetime, expiry_days: int) -> bool:
    """An unanswered request expires `expiry_days` after its first contact."""
    return first_contact_at is not None and now >= first_contact_at + timedelta(days=expiry_days)


# The patient service refused matching's placement (the patient was paused or cancelled first).
PLACEMENT_REFUSED = "placement_refused"

PATIENT_CANCEL_REASONS = {  # patient status → why its open requests are cancelled
    "paused": CancelReason.PATIENT_PAUSED,
    "cancelled": CancelReason.PATIENT_CANCELLED,
    "placed": CancelReason.PATIENT_PLACED,
    "in_therapy": CancelReason.PATIENT_PLACED,
    "completed": CancelReason.PATIENT_PLACED,
    "registered": CancelReason.PATIENT_NOT_SEARCHING,
}


def cancel_reason(patient_status: str) -> str:
    """Why a patient's open requests end when the patient stops searching."""
    return PATIENT_CANCEL_REASONS.get(patient_status, CancelReason.PATIENT_NOT_SEARCHING)


def unavailable_reason(status: str, opted_out: bool) -> str | None:
    """Why a therapist may not be contacted (None when active and reachable)."""
    if status == "blocked":
        return CancelReason.THERAPIST_BLOCKED
    if status != "active":
        return CancelReason.THERAPIST_DEACTIVATED
    return CancelReason.THERAPIST_OPTED_OUT if opted_out else None
