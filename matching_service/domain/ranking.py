"""Soft ranking of matching pairs and the order in which patients are served."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from matching_service.domain.criteria import max_distance
from matching_service.domain.profiles import MatchContext, PatientProfile, TherapistProfile

CAPACITY_YES_FRESH = 1.0
CAPACITY_UNKNOWN = 0.5  # also a "yes" older than the freshness window
CAPACITY_NO = 0.0
NEUTRAL = 0.5  # availability when one side has no windows


@dataclass(frozen=True)
class ScoreParts:
    """Each soft factor in [0, 1] and the weighted total in [0, 1]."""

    distance: float
    capacity: float
    response_rate: float
    availability: float
    total: float


def capacity_part(accepting: str, as_of: date | None, today: date, fresh_days: int) -> float:
    """Known to accept > unknown > known not to accept; a "yes" or a "no" older than
    `fresh_days` (or without a date) counts as unknown."""
    fresh = as_of is not None and (today - as_of).days <= fresh_days
    if not fresh:
        return CAPACITY_UNKNOWN
    return {"yes": CAPACITY_YES_FRESH, "no": CAPACITY_NO}.get(accepting, CAPACITY_UNKNOWN)


def response_rate_part(contacted: int, answered: int) -> float:
    """Answered / contacted with a Laplace prior, so a therapist never asked scores 0.5."""
    return (answered + 1) / (contacted + 2)


def distance_part(km: float, radius_km: float) -> float:
    """1 at the patient's door, 0 at the edge of the radius."""
    return max(0.0, min(1.0, 1.0 - km / radius_km)) if radius_km > 0 else 0.0


def availability_part(p: PatientProfile, t: TherapistProfile, ctx: MatchContext) -> float:
    """Share of the configured 'full' weekly overlap; neutral when a side has no windows."""
    if not p.availability or not t.consultation_hours:
        return NEUTRAL
    minutes = ctx.overlap(p.availability, t.consultation_hours)
    return min(1.0, minutes / ctx.rules.full_overlap_minutes)


def partial_score(p: PatientProfile, t: TherapistProfile, ctx: MatchContext, km: float) -> float:
    """The weighted total without availability (its upper bound is `weights.availability`)."""
    w = ctx.rules.weights
    return (
        w.distance * distance_part(km, max_distance(p, ctx))
        + w.capacity
        * capacity_part(
            t.accepting_new_patients,
            t.capacity_as_of,
            ctx.now.date(),
            ctx.rules.capacity_fresh_days,
        )
        + w.response_rate * response_rate_part(t.requests_contacted, t.requests_answered)
    )


def score(p: PatientProfile, t: TherapistProfile, ctx: MatchContext, km: float) -> ScoreParts:
    """All parts and the total for a pair that passed every criterion."""
    w = ctx.rules.weights
    parts = (
        distance_part(km, max_distance(p, ctx)),
        capacity_part(
            t.accepting_new_patients,
            t.capacity_as_of,
            ctx.now.date(),
            ctx.rules.capacity_fresh_days,
        ),
        response_rate_part(t.requests_contacted, t.requests_answered),
        availability_part(p, t, ctx),
    )
    total = (
        w.distance * parts[0]
        + w.capacity * parts[1]
        + w.response_rate * parts[2]
        + w.availability * parts[3]
    )
    return ScoreParts(*parts, total=round(min(1.0, max(0.0, total)), 6))


def rank_key(parts: ScoreParts, km: float, therapist_id: int) -> tuple[float, float, int]:
    """Best first: higher score, then closer, then the lower id (deterministic)."""
    return (-parts.total, km, therapist_id)


_NEVER = datetime.max.replace(tzinfo=UTC)


class PatientOrder(StrEnum):
    """The order in which a matching round serves patients (setting PATIENT_ORDER)."""

    PRIORITY = "priority"  # urgent first, then the longest search
    ARRIVAL = "arrival"  # first come, first served: the longest search only


def patient_priority(p: PatientProfile) -> tuple[int, datetime, int]:
    """Urgent first, then the longest search (earliest search_started_at), then id."""
    return (0 if p.urgent else 1, p.search_started_at or _NEVER, p.patient_id)


def patient_arrival(p: PatientProfile) -> tuple[int, datetime, int]:
    """The longest search first (urgency not considered), then id."""
    return (0, p.search_started_at or _NEVER, p.patient_id)


PATIENT_ORDER_KEYS: dict[PatientOrder, Callable[[PatientProfile], tuple[int, datetime, int]]] = {
    PatientOrder.PRIORITY: patient_priority,
    PatientOrder.ARRIVAL: patient_arrival,
}
