"""A therapist's answer as staff record it, and which of its requests may be answered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from shared.vocabulary import AttentionReason


@dataclass(frozen=True)
class ResponseInput:
    """What staff send: therapist, channel, one outcome per request, a note."""

    therapist_id: int
    channel: str
    outcomes: list[tuple[int, str]]
    note: str | None
    actor: str

    @property
    def request_ids(self) -> list[int]:
        return [request_id for request_id, _ in self.outcomes]


def not_contacted(answered: Iterable[int], contacted: Iterable[int]) -> list[int]:
    """Requests of the answer that were never sent to the therapist (sorted)."""
    return sorted(set(answered) - set(contacted))


class OutcomeEffect(StrEnum):
    """What recording one answer did (the `outcome_effect` of `POST /api/responses`)."""

    RECORDED = "recorded"  # a rejection or no-show: the request is closed
    PLACEMENT_REQUESTED = "placement_requested"  # accepted, request open: matching places the
    # patient unless an earlier acceptance won (then the therapist hears the place is gone)
    LATE_ACCEPTANCE = "late_acceptance"  # accepted after the request ended unanswered (expired,
    # no_response, cancelled after contact), patient searching: matching places the patient
    PLACE_GONE = "place_gone"  # the patient is placed already: therapist_place_taken goes out
    HELD_FOR_STAFF = "held_for_staff"  # the patient is paused or no longer searching: recorded
    # and kept on the staff attention list, nobody is placed


PLACED_STATUSES = frozenset({"placed", "in_therapy", "completed"})


@dataclass(frozen=True)
class Effect:
    """One answer's effect, and the attention item it leaves for staff (if any)."""

    effect: OutcomeEffect
    attention: AttentionReason | None = None


def outcome_effect(outcome: str, request_open: bool, patient_status: str | None) -> Effect:
    """The effect of one answer; an unknown patient status counts as searching (matching, the
    authority on placement, decides then)."""
    if outcome != "accepted":
        return Effect(OutcomeEffect.RECORDED)
    if patient_status in PLACED_STATUSES:
        return Effect(OutcomeEffect.PLACE_GONE)
    if patient_status == "paused":
        return Effect(OutcomeEffect.HELD_FOR_STAFF, AttentionReason.ACCEPTANCE_WHILE_PAUSED)
    if patient_status not in (None, "searching"):
        return Effect(OutcomeEffect.HELD_FOR_STAFF, AttentionReason.ACCEPTANCE_WHILE_NOT_SEARCHING)
    if request_open:
        return Effect(OutcomeEffect.PLACEMENT_REQUESTED)
    return Effect(OutcomeEffect.LATE_ACCEPTANCE)
