"""The hard criteria (docs/domain.md): each returns None when it holds, else why it does not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from matching_service.domain.geo import haversine_km, travel_minutes
from matching_service.domain.profiles import MatchContext, Offer, PatientProfile, TherapistProfile

GERMAN = "de"
Criterion = Callable[[PatientProfile, TherapistProfile, MatchContext, float | None], str | None]


@dataclass(frozen=True)
class Check:
    """One criterion's outcome for one pair."""

    name: str
    held: bool
    reason: str | None


def distance_km(patient: PatientProfile, therapist: TherapistProfile) -> float | None:
    """Haversine km between patient and practice, or None when either location is unknown."""
    if not patient.location_known or patient.latitude is None or patient.longitude is None:
        return None
    if therapist.latitude is None or therapist.longitude is None:
        return None
    return haversine_km(
        patient.latitude, patient.longitude, therapist.latitude, therapist.longitude
    )


def max_distance(patient: PatientProfile, ctx: MatchContext) -> float:
    """The patient's radius, or the configured default."""
    return patient.max_distance_km or ctx.rules.default_max_distance_km


def check_distance(
    p: PatientProfile, t: TherapistProfile, ctx: MatchContext, km: float | None
) -> str | None:
    """Within the radius, and (if asked) within the travel minutes for the patient's mode."""
    if km is None:
        return "location unknown"
    if km > max_distance(p, ctx):
        return f"{km:.1f} km > {max_distance(p, ctx):g} km"
    if p.max_travel_minutes is not None:
        minutes = travel_minutes(km, p.travel_mode, ctx.rules.travel)
        if minutes > p.max_travel_minutes:
            return f"about {minutes:.0f} min by {p.travel_mode} > {p.max_travel_minutes} min"
    return None


def check_status(
    p: PatientProfile, t: TherapistProfile, ctx: MatchContext, km: float | None
) -> str | None:
    """Active, not opted out, not in a cooling period."""
    if t.status != "active":
        return f"therapist is {t.status}"
    if t.opted_out:
        return "therapist opted out of contact"
    if t.cooling_until is not None and ctx.now < t.cooling_until:
        return f"cooling period until {t.cooling_until.isoformat()}"
    return None


def check_insurance(
    p: PatientProfile, t: TherapistProfile, ctx: MatchContext, km: float | None
) -> str | None:
    """Statutory patients need a statutory licence."""
    if p.insurance_type == "statutory" and not t.statutory_licence:
        return "no statutory licence"
    return None


def wanted_offers(p: PatientProfile, t: TherapistProfile) -> list[Offer]:
    """The therapist's offers of a procedure the patient wants (empty wish = any)."""
    return [o for o in t.offers if not p.procedures or o.procedure in p.procedures]


def check_procedure(
    p: PatientProfile, t: TherapistProfile, ctx: MatchContext, km: float | None
) -> str | None:
    """Wanted procedures ∩ offered procedures ≠ ∅."""
    if not wanted_offers(p, t):
        return "no wanted procedure offered" if t.offers else "offers unknown"
    return None


_YOUNG, _ADULT = frozenset({"children_adolescents"}), frozenset({"adults"})
_EITHER, _NONE = _YOUNG | _ADULT, frozenset[str]()


def age_groups(age: int | None, ctx: MatchContext) -> frozenset[str]:
    """Age groups that may treat a patient of this age (empty when the age is unknown)."""
    rules = ctx.rules
    if age is None:
        return _NONE
    if age < rules.adult_age:
        return _YOUNG
    if age <= rules.either_age_group_until:
        return _EITHER
    return _ADULT


def check_age_group(
    p: PatientProfile, t: TherapistProfile, ctx: MatchContext, km: float | None
) -> str | None:
    """A wanted offer for the patient's age group."""
    groups = age_groups(p.age, ctx)
    if not groups:
        return "patient age unknown"
    if not any(o.age_group in groups for o in wanted_offers(p, t)):
        return f"no offer for {' or '.join(sorted(groups))}"
    return None


_GROUP, _INDIVIDUAL = frozenset({"group"}), frozenset({"individual"})
_BOTH_SETTINGS = _GROUP | _INDIVIDUAL


def settings_wanted(p: PatientProfile) -> frozenset[str]:
    """Group only, individual or both."""
    if p.group_only:
        return _GROUP
    return _BOTH_SETTINGS if p.group_ok else _INDIVIDUAL


def check_setting(
    p: PatientProfile, t: TherapistProfile, ctx: MatchContext, km: float | None
) -> str | None:
    """A suitable offer in a wanted setting; a group-preferring therapist needs group_ok."""
    if t.prefers_group and not (p.group_ok or p.group_only):
        return "therapist prefers group, patient not open to group"
    groups, wanted, procedures = age_groups(p.age, ctx), settings_wanted(p), p.procedures
    if not any(
        o.setting in wanted
        and o.age_group in groups
        and (not procedures or o.procedure in procedures)
        for o in t.offers
    ):
        return f"no {' or '.join(sorted(wanted))} offer"
    return None


def check_therapist_gender(
    p: PatientProfile, t: TherapistProfile, ctx: MatchContext, km: float | None
) -> str | None:
    """The patient's gender wish (female/male) equals the therapist's gender."""
    if p.therapist_gender in ("female", "male") and t.gender != p.therapist_gender:
        return f"patient wants a {p.therapist_gender} therapist"
    return None


def check_therapist_wishes(
    p: PatientProfile, t: TherapistProfile, ctx: MatchContext, km: float | None
) -> str | None:
    """Patient age within the therapist's range, patient gender within the preference."""
    if t.age_min is not None or t.age_max is not None:
        low, high = t.age_min or 0, t.age_max if t.age_max is not None else 200
        if p.age is None or not low <= p.age <= high:
            return f"therapist treats ages {t.age_min or ''}..{t.age_max or ''}"
    if t.patient_genders and p.gender not in t.patient_genders:
        return "therapist's patient gender preference"
    return None


def check_language(
    p: PatientProfile, t: TherapistProfile, ctx: MatchContext, km: float | None
) -> str | None:
    """Required languages ⊆ therapist's languages (German assumed everywhere)."""
    if not p.languages:
        return None
    missing = p.languages - t.languages - {GERMAN}
    return f"missing language {', '.join(sorted(missing))}" if missing else None


def check_accessibility(
    p: PatientProfile, t: TherapistProfile, ctx: MatchContext, km: float | None
) -> str | None:
    """Barrier-free practice when the patient needs one."""
    return "practice not barrier-free" if p.barrier_free and not t.barrier_free else None


def check_exclusions(
    p: PatientProfile, t: TherapistProfile, ctx: MatchContext, km: float | None
) -> str | None:
    """Not excluded for this patient and never asked about this patient before."""
    if t.therapist_id in p.excluded:
        return "excluded for this patient"
    if t.therapist_id in p.already_asked:
        return "already asked about this patient"
    return None


def check_availability(
    p: PatientProfile, t: TherapistProfile, ctx: MatchContext, km: float | None
) -> str | None:
    """When both sides have weekly windows, they overlap long enough."""
    if not p.availability or not t.consultation_hours:
        return None
    minutes = ctx.overlap(p.availability, t.consultation_hours)
    if minutes < ctx.rules.min_overlap_minutes:
        return f"{minutes} min weekly overlap < {ctx.rules.min_overlap_minutes} min"
    return None


# Cheap checks first: `first_failure` stops at the first one that does not hold.
CRITERIA: tuple[tuple[str, Criterion], ...] = (
    ("exclusions", check_exclusions),
    ("status", check_status),
    ("insurance", check_insurance),
    ("accessibility", check_accessibility),
    ("therapist_gender", check_therapist_gender),
    ("language", check_language),
    ("therapist_wishes", check_therapist_wishes),
    ("distance", check_distance),
    ("procedure", check_procedure),
    ("age_group", check_age_group),
    ("setting", check_setting),
    ("availability", check_availability),
)
CRITERION_NAMES: tuple[str, ...] = tuple(name for name, _ in CRITERIA)


def evaluate(p: PatientProfile, t: TherapistProfile, ctx: MatchContext) -> list[Check]:
    """Every criterion, held or not and why (for staff's "why not this practice?")."""
    km = distance_km(p, t)
    return [Check(name, (why := check(p, t, ctx, km)) is None, why) for name, check in CRITERIA]


def first_failure(
    p: PatientProfile, t: TherapistProfile, ctx: MatchContext, km: float | None
) -> str | None:
    """The name of the first criterion that does not hold, or None when the pair matches."""
    for name, check in CRITERIA:
        if check(p, t, ctx, km) is not None:
            return name
    return None


# What an open request must keep passing: every hard criterion but `status` (a blocked, inactive
# or opted-out therapist is handled on its own: requests not yet contacted are cancelled, the
# others flagged; a cooling period only stops new outreach).
OPEN_REQUEST_CRITERIA: tuple[tuple[str, Criterion], ...] = tuple(
    (name, check) for name, check in CRITERIA if name != "status"
)


def open_request_failure(p: PatientProfile, t: TherapistProfile, ctx: MatchContext) -> str | None:
    """The first criterion an open request of this pair no longer passes (None: it still
    matches). The request itself is no reason against it: `already_asked` is ignored."""
    asked_aside = replace(p, already_asked=frozenset())
    km = distance_km(asked_aside, t)
    for name, check in OPEN_REQUEST_CRITERIA:
        if check(asked_aside, t, ctx, km) is not None:
            return name
    return None
