"""What the rules look at: patient and therapist profiles, the configured numbers, the moment."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from matching_service.domain.geo import TravelModel
from matching_service.domain.windows import cached_overlap

Windows = Mapping[str, Sequence[str]]
OverlapFn = Callable[[Windows, Windows], int]


@dataclass(frozen=True)
class Offer:
    """One therapist offer: procedure × age group × setting."""

    procedure: str
    age_group: str
    setting: str


@dataclass(frozen=True)
class PatientProfile:
    """The pseudonymous matching profile of a patient (plus what matching itself knows)."""

    patient_id: int
    age: int | None
    gender: str
    latitude: float | None
    longitude: float | None
    insurance_type: str
    procedures: frozenset[str] = frozenset()
    therapist_gender: str = "any"
    languages: frozenset[str] = frozenset()
    group_ok: bool = False
    group_only: bool = False
    barrier_free: bool = False
    max_distance_km: float | None = None
    travel_mode: str = "public_transport"
    max_travel_minutes: int | None = None
    availability: Windows = field(default_factory=dict)
    excluded: frozenset[int] = frozenset()
    already_asked: frozenset[int] = frozenset()
    urgent: bool = False
    search_started_at: datetime | None = None
    location_known: bool = True


@dataclass(frozen=True)
class TherapistProfile:
    """A therapist as matching sees it (read model built from therapist events)."""

    therapist_id: int
    latitude: float | None
    longitude: float | None
    gender: str = "unspecified"
    offers: tuple[Offer, ...] = ()
    languages: frozenset[str] = frozenset()
    statutory_licence: bool = True
    barrier_free: bool = False
    consultation_hours: Windows = field(default_factory=dict)
    accepting_new_patients: str = "unknown"
    capacity_as_of: date | None = None
    age_min: int | None = None
    age_max: int | None = None
    patient_genders: frozenset[str] = frozenset()
    prefers_group: bool = False
    status: str = "active"
    opted_out: bool = False
    cooling_until: datetime | None = None
    requests_contacted: int = 0
    requests_answered: int = 0


@dataclass(frozen=True)
class Weights:
    """Ranking weights (sum 1): the one place they are documented is Settings."""

    distance: float
    capacity: float
    response_rate: float
    availability: float


@dataclass(frozen=True)
class Rules:
    """Every number of the matching rules, passed in from Settings."""

    max_open_requests_per_patient: int
    cooling_period_days: int
    request_expiry_days: int
    capacity_fresh_days: int
    min_overlap_minutes: int
    default_max_distance_km: float
    adult_age: int
    either_age_group_until: int
    full_overlap_minutes: int
    travel: TravelModel
    weights: Weights
    patient_order: str = "priority"  # ranking.PatientOrder: who a round serves first
    cooling_after: str = "any_answer"  # shared.vocabulary.CoolingAfter: which answers cool


@dataclass(frozen=True)
class MatchContext:
    """Rules, the current time and the weekly-window overlap function (injected)."""

    rules: Rules
    now: datetime
    overlap: OverlapFn


def match_context(rules: Rules, now: datetime) -> MatchContext:
    """The domain's context for one decision or one round (with the memoised overlap)."""
    return MatchContext(rules, now, cached_overlap)  # type: ignore[arg-type]
