"""Read-model rows → the domain's patient and therapist profiles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from matching_service.domain.profiles import Offer, PatientProfile, TherapistProfile
from matching_service.domain.windows import freeze_windows


def patient_profile(
    row: Mapping[str, Any], excluded: Iterable[int] = (), asked: Iterable[int] = ()
) -> PatientProfile:
    """A patient row plus matching's own exclusions and the therapists already asked."""
    preferences = row["preferences"] or {}
    return PatientProfile(
        patient_id=row["patient_id"],
        age=row["age"],
        gender=row["gender"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        location_known=row["location_status"] == "resolved",
        insurance_type=row["insurance_type"],
        procedures=frozenset(preferences.get("procedures") or ()),
        therapist_gender=preferences.get("therapist_gender") or "any",
        languages=frozenset(preferences.get("languages") or ()),
        group_ok=bool(preferences.get("group_ok")),
        group_only=bool(preferences.get("group_only")),
        barrier_free=bool(preferences.get("barrier_free")),
        max_distance_km=preferences.get("max_distance_km"),
        travel_mode=preferences.get("travel_mode") or "public_transport",
        max_travel_minutes=preferences.get("max_travel_minutes"),
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
        offers=offers_of(row["offers"]),
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


def offers_of(raw: Iterable[Mapping[str, str]]) -> tuple[Offer, ...]:
    """Stored offers (JSON objects) as the domain's offers."""
    return tuple(Offer(offer["procedure"], offer["age_group"], offer["setting"]) for offer in raw)
