"""Read-model rows → domain profiles, and the memoised weekly-window overlap."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from matching_service.domain.profiles import (
    MatchContext,
    Offer,
    PatientProfile,
    Rules,
    TherapistProfile,
)
from shared.weekly_windows import overlap_minutes


class FrozenWindows(dict[str, tuple[str, ...]]):
    """Weekly windows that can be a cache key."""

    def __hash__(self) -> int:  # type: ignore[override]
        found: int | None = self.__dict__.get("_hash")
        if found is None:  # computed once: the overlap cache hashes the same sets very often
            found = self.__dict__["_hash"] = hash(tuple(self.items()))
        return found


def freeze_windows(raw: Mapping[str, Sequence[str]] | None) -> FrozenWindows:
    """Canonical, hashable weekly windows (the events already normalised them)."""
    return FrozenWindows({day: tuple(ranges) for day, ranges in (raw or {}).items() if ranges})


@lru_cache(maxsize=262_144)
def cached_overlap(a: FrozenWindows, b: FrozenWindows) -> int:
    """shared.weekly_windows.overlap_minutes, memoised (window sets repeat a lot)."""
    return overlap_minutes(a, b)


def match_context(rules: Rules, now: Any) -> MatchContext:
    """The domain's context for one decision or one round."""
    return MatchContext(rules, now, cached_overlap)  # type: ignore[arg-type]


def patient_profile(
    row: Mapping[str, Any], excluded: Iterable[int] = (), asked: Iterable[int] = ()
) -> PatientProfile:
    """A patient row plus matching's own exclusions and the therapists already asked."""
    prefs = row["preferences"] or {}
    return PatientProfile(
        patient_id=row["patient_id"],
        age=row["age"],
        gender=row["gender"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        location_known=row["location_status"] == "resolved",
        insurance_type=row["insurance_type"],
        procedures=frozenset(prefs.get("procedures") or ()),
        therapist_gender=prefs.get("therapist_gender") or "any",
        languages=frozenset(prefs.get("languages") or ()),
        group_ok=bool(prefs.get("group_ok")),
        group_only=bool(prefs.get("group_only")),
        barrier_free=bool(prefs.get("barrier_free")),
        max_distance_km=prefs.get("max_distance_km"),
        travel_mode=prefs.get("travel_mode") or "public_transport",
        max_travel_minutes=prefs.get("max_travel_minutes"),
        availability=freeze_windows(row["availability"]),
        excluded=frozenset(row["exclusions"] or ()) | frozenset(excluded),
        already_asked=frozenset(asked),
        urgent=row["urgent"],
        search_started_at=row["search_started_at"],
    )


def therapist_profile(row: Mapping[str, Any]) -> TherapistProfile:
    """A therapist row as the domain sees it."""
    return TherapistProfile(
        therapist_id=row["therapist_id"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        gender=row["gender"],
        offers=tuple(Offer(o["procedure"], o["age_group"], o["setting"]) for o in row["offers"]),
        languages=frozenset(row["languages"]),
        statutory_licence=row["statutory_licence"],
        barrier_free=row["barrier_free"],
        consultation_hours=freeze_windows(row["consultation_hours"]),
        accepting_new_patients=row["accepting_new_patients"],
        capacity_as_of=row["capacity_as_of"],
        age_min=row["age_min"],
        age_max=row["age_max"],
        patient_genders=frozenset(row["patient_genders"]),
        prefers_group=row["prefers_group"],
        status=row["status"] if row["has_profile"] else "unknown",
        opted_out=row["opted_out"],
        cooling_until=row["cooling_until"],
        requests_contacted=row["requests_contacted"],
        requests_answered=row["requests_answered"],
    )
