"""Outreach planning: contact limits, cooling and holds, and the decision per therapist.

Standard library only; every number comes in through OutreachRules (settings)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shared import rules
from shared.vocabulary import CoolingAfter


class Action(StrEnum):
    """What the planner decides for one therapist."""

    NEW_EMAIL = "new_email"
    JOIN_DRAFT = "join_draft"
    PHONE = "phone"
    WAIT = "wait"
    HOLD = "hold"  # blocked: cooling, opted out, inactive or unknown therapist


@dataclass(frozen=True)
class OutreachRules:
    """The contact limits of docs/domain.md step 4 and 6; `per_practice`: the 7-day gap holds
    for a whole practice, not only for one therapist."""

    min_days_between_emails: int = rules.MIN_DAYS_BETWEEN_EMAILS
    max_patients_per_email: int = rules.MAX_PATIENTS_PER_EMAIL
    cooling_period_days: int = rules.COOLING_PERIOD_DAYS
    per_practice: bool = True
    cooling_after: CoolingAfter = CoolingAfter(rules.COOLING_AFTER)

    @property
    def email_gap(self) -> timedelta:
        return timedelta(days=self.min_days_between_emails)

    @property
    def cooling(self) -> timedelta:
        return timedelta(days=self.cooling_period_days)


@dataclass(frozen=True)
class WaitingRequest:
    """A placement request that is ready for contact."""

    placement_request_id: int
    patient_id: int
    therapist_id: int
    urgent: bool
    search_started_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class TherapistContact:
    """What the planner knows about a therapist (from therapist events and the ledger)."""

    therapist_id: int
    known: bool = True
    active: bool = True
    opted_out: bool = False
    has_email: bool = True
    has_phone: bool = True
    prefers_phone: bool = False
    last_outreach_at: datetime | None = None
    cooling_until: datetime | None = None
    open_draft_id: int | None = None
    open_draft_size: int = 0
    unsent_outreach: bool = False  # queued/sending: content fixed, nothing may join
    # The phone path's "draft": phone-pending requests no call carries yet, plus a first-contact
    # call whose first attempt has not taken place (it may still take requests).
    phone_batch_open: bool = False
    phone_batch_size: int = 0


@dataclass(frozen=True)
class Decision:
    """The planner's answer for one therapist."""

    therapist_id: int
    action: Action
    request_ids: tuple[int, ...] = ()
    waiting_ids: tuple[int, ...] = ()
    next_allowed_at: datetime | None = None
    reason: str = ""
    draft_id: int | None = None


def priority_key(request: WaitingRequest) -> tuple[int, datetime, datetime, int]:
    """Urgent first, then the longest waiting (search start), then the oldest request."""
    started = request.search_started_at or request.created_at
    naive = (started.replace(tzinfo=None), request.created_at.replace(tzinfo=None))
    return (0 if request.urgent else 1, *naive, request.placement_request_id)


def next_email_allowed_at(contact: TherapistContact, rules: OutreachRules) -> datetime | None:
    """The earliest moment of the next outreach, e-mail or first-contact call (None: right
    away); `last_outreach_at` counts both channels."""
    candidates = []
    if contact.last_outreach_at is not None:
        candidates.append(contact.last_outreach_at + rules.email_gap)
    if contact.cooling_until is not None:
        candidates.append(contact.cooling_until)
    return max(candidates) if candidates else None


def in_cooling(contact: TherapistContact, now: datetime) -> bool:
    """True while the cooling period runs (it ends exactly at `cooling_until`)."""
    return contact.cooling_until is not None and now < contact.cooling_until


def cooling_ends_at(answered_at: datetime, rules: OutreachRules) -> datetime:
    """End of the cooling period started by an answer (exclusive)."""
    return answered_at + rules.cooling


def hold_reason(contact: TherapistContact, now: datetime) -> str | None:
    """Why no outreach of any kind may happen now, or None."""
    if not contact.known:
        return "therapist_unknown"
    if not contact.active:
        return "therapist_not_active"
    if contact.opted_out:
        return "opted_out"
    if in_cooling(contact, now):
        return "cooling"
    return None


def uses_phone(contact: TherapistContact) -> bool:
    """No address, or a preference for the phone and a number: a call instead of an e-mail."""
    return (contact.prefers_phone and contact.has_phone) or not contact.has_email


def plan_outreach(
    requests: Iterable[WaitingRequest],
    contacts: Mapping[int, TherapistContact],
    now: datetime,
    rules: OutreachRules,
) -> list[Decision]:
    """One decision per therapist with waiting requests (ordered by therapist id)."""
    grouped: dict[int, list[WaitingRequest]] = {}
    for request in requests:
        grouped.setdefault(request.therapist_id, []).append(request)
    return [
        decide(
            therapist_id,
            sorted(grouped[therapist_id], key=priority_key),
            contacts.get(therapist_id, TherapistContact(therapist_id, False)),
            now,
            rules,
        )
        for therapist_id in sorted(grouped)
    ]


def decide(
    therapist_id: int,
    ordered: Sequence[WaitingRequest],
    contact: TherapistContact,
    now: datetime,
    rules: OutreachRules,
) -> Decision:
    """The decision for one therapist's waiting requests (already in priority order)."""
    ids = tuple(request.placement_request_id for request in ordered)
    reason = hold_reason(contact, now)
    if reason is not None:
        until = contact.cooling_until if reason == "cooling" else None
        return Decision(
            therapist_id, Action.HOLD, waiting_ids=ids, next_allowed_at=until, reason=reason
        )
    if uses_phone(contact):
        return _decide_phone(therapist_id, ids, contact, now, rules)
    return _decide_email(therapist_id, ids, contact, now, rules)


def _decide_phone(
    therapist_id: int,
    ids: tuple[int, ...],
    contact: TherapistContact,
    now: datetime,
    rules: OutreachRules,
) -> Decision:
    """The e-mail limits on the phone path: at most `max_patients_per_email` per first-contact
    call, joining only a call not yet attempted, and the 7-day gap before a new call."""
    why = "no_email_address" if not contact.has_email else "prefers_phone"
    if contact.phone_batch_open:
        room = max(0, rules.max_patients_per_email - contact.phone_batch_size)
        if room <= 0:
            return Decision(therapist_id, Action.WAIT, waiting_ids=ids, reason="call_full")
        return _split(therapist_id, Action.PHONE, ids, room, why)
    allowed = next_email_allowed_at(contact, rules)
    if contact.unsent_outreach or (allowed is not None and now < allowed):
        reason = "email_in_flight" if contact.unsent_outreach else "min_days_between_emails"
        return Decision(
            therapist_id, Action.WAIT, waiting_ids=ids, next_allowed_at=allowed, reason=reason
        )
    return _split(
        therapist_id,
        Action.PHONE,
        ids,
        rules.max_patients_per_email,
        why,
        next_allowed=now + rules.email_gap,
    )


def _decide_email(
    therapist_id: int,
    ids: tuple[int, ...],
    contact: TherapistContact,
    now: datetime,
    rules: OutreachRules,
) -> Decision:
    if contact.open_draft_id is not None:
        room = max(0, rules.max_patients_per_email - contact.open_draft_size)
        return _split(
            therapist_id,
            Action.JOIN_DRAFT,
            ids,
            room,
            "draft_has_room",
            draft_id=contact.open_draft_id,
        )
    allowed = next_email_allowed_at(contact, rules)
    if contact.unsent_outreach or (allowed is not None and now < allowed):
        why = "email_in_flight" if contact.unsent_outreach else "min_days_between_emails"
        return Decision(
            therapist_id, Action.WAIT, waiting_ids=ids, next_allowed_at=allowed, reason=why
        )
    return _split(
        therapist_id,
        Action.NEW_EMAIL,
        ids,
        rules.max_patients_per_email,
        "email_allowed",
        next_allowed=now + rules.email_gap,
    )


def _split(
    therapist_id: int,
    action: Action,
    ids: tuple[int, ...],
    room: int,
    reason: str,
    draft_id: int | None = None,
    next_allowed: datetime | None = None,
) -> Decision:
    """The first `room` requests go out; the rest wait (never dropped)."""
    if room <= 0:
        return Decision(therapist_id, Action.WAIT, waiting_ids=ids, reason="draft_full")
    taken, rest = ids[:room], ids[room:]
    return Decision(
        therapist_id,
        action,
        request_ids=taken,
        waiting_ids=rest,
        next_allowed_at=next_allowed if rest else None,
        reason=reason,
        draft_id=draft_id,
    )
