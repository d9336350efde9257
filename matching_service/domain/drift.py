"""Why a searching patient has no candidate: the hard criteria that failed, counted over the
practices in reach, for staff's attention list (`searching_without_candidate`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from matching_service.domain.criteria import evaluate, max_distance
from matching_service.domain.profiles import MatchContext, PatientProfile, TherapistProfile


def why_no_candidate(
    patient: PatientProfile, near: Iterable[TherapistProfile], ctx: MatchContext
) -> dict[str, Any]:
    """The radius, how many contactable practices lie in its box, and per criterion how many
    of them fail it (a practice can fail several)."""
    radius = max_distance(patient, ctx)
    if patient.latitude is None or patient.longitude is None:
        return {
            "radius_km": radius,
            "practices_in_reach": 0,
            "failed_criteria": {"distance": 0},
            "summary": "Wohnort der Patient:in ist nicht aufgelöst.",
        }
    failed: Counter[str] = Counter()
    count = 0
    for therapist in near:
        count += 1
        failed.update(check.name for check in evaluate(patient, therapist, ctx) if not check.held)
    if count == 0:
        summary = f"Keine kontaktierbare Praxis im Umkreis von {radius:g} km."
    else:
        worst = ", ".join(f"{name} ({n})" for name, n in failed.most_common(3))
        summary = f"{count} Praxen im Umkreis von {radius:g} km; nicht erfüllt: {worst}."
    return {
        "radius_km": radius,
        "practices_in_reach": count,
        "failed_criteria": dict(failed.most_common()),
        "summary": summary,
    }
