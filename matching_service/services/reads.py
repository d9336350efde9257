"""Read-only questions staff ask: requests, ranked candidates, "why not?", statistics."""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

from matching_service.domain.criteria import distance_km, evaluate
from matching_service.domain.errors import PatientNotFound, RequestNotFound, TherapistNotFound
from matching_service.domain.profiles import PatientProfile, Rules, match_context
from matching_service.domain.ranking import ScoreParts, score
from matching_service.domain.selection import picks_for
from matching_service.domain.states import OPEN, TERMINAL
from matching_service.store.profiles import patient_profile, therapist_profile
from matching_service.store.unit_of_work import MatchingUnitOfWork

REQUEST_FIELDS = (
    "id",
    "patient_id",
    "therapist_id",
    "status",
    "score",
    "score_parts",
    "distance_km",
    "criteria",
    "run_id",
    "therapist_unavailable",
    "close_reason",
    "created_at",
    "updated_at",
    "contacted_at",
    "follow_up_at",
    "closed_at",
)
TIMESTAMPS = ("created_at", "updated_at", "contacted_at", "follow_up_at", "closed_at")


def request_body(row: Any) -> dict[str, Any]:
    """A request as the API shows it."""
    body = {name: row[name] for name in REQUEST_FIELDS}
    for name in TIMESTAMPS:
        body[name] = body[name].isoformat() if body[name] else None
    return body


def list_requests(
    uow: MatchingUnitOfWork, filters: dict[str, Any], offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of requests (newest first) and the total for these filters (None: any)."""
    given = {name: value for name, value in filters.items() if value is not None}
    with uow:
        rows, total = uow.requests.page(given, offset, limit)
        return [request_body(row) for row in rows], total


def get_request(uow: MatchingUnitOfWork, request_id: int) -> dict[str, Any]:
    """One request (RequestNotFound when there is none)."""
    with uow:
        row = uow.requests.get(request_id)
    if row is None:
        raise RequestNotFound(request_id)
    return request_body(row)


def _patient(uow: MatchingUnitOfWork, patient_id: int) -> PatientProfile:
    row = uow.patients.get(patient_id)
    if row is None:
        raise PatientNotFound(patient_id)
    excluded = uow.exclusions.of_patient(patient_id)
    return patient_profile(row, excluded, uow.requests.therapists_asked(patient_id))


def candidates(
    uow: MatchingUnitOfWork, rules: Rules, patient_id: int, limit: int, now: datetime
) -> list[dict[str, Any]]:
    """The next best candidates with their score parts (PatientNotFound: patient unknown)."""
    match = match_context(rules, now)
    with uow:
        patient = _patient(uow, patient_id)
        index = uow.therapists.index(match, [patient])
    return [
        {
            "therapist_id": pick.therapist_id,
            "score": pick.parts.total,
            "distance_km": pick.distance_km,
            "score_parts": _parts(pick.parts),
        }
        for pick in picks_for(patient, index, match, limit)
    ]


def _parts(parts: ScoreParts) -> dict[str, float]:
    return {
        "distance": round(parts.distance, 4),
        "capacity": parts.capacity,
        "response_rate": round(parts.response_rate, 4),
        "availability": round(parts.availability, 4),
    }


def explain(
    uow: MatchingUnitOfWork, rules: Rules, patient_id: int, therapist_id: int, now: datetime
) -> dict[str, Any]:
    """Each criterion for one pair, held or not and why (not found: either side unknown)."""
    with uow:
        patient = _patient(uow, patient_id)
        row = uow.therapists.get(therapist_id)
    if row is None:
        raise TherapistNotFound(therapist_id)
    therapist, match = therapist_profile(row), match_context(rules, now)
    checks = evaluate(patient, therapist, match)
    km, matches = distance_km(patient, therapist), all(check.held for check in checks)
    parts = score(patient, therapist, match, km) if matches and km is not None else None
    return {
        "patient_id": patient_id,
        "therapist_id": therapist_id,
        "matches": matches,
        "distance_km": round(km, 3) if km is not None else None,
        "criteria": [
            {"name": check.name, "held": check.held, "reason": check.reason} for check in checks
        ],
        "score": parts.total if parts else None,
        "score_parts": _parts(parts) if parts else None,
    }


def statistics_body(uow: MatchingUnitOfWork) -> dict[str, Any]:
    """Searching patients, requests by state, placements, median days, answer rates."""
    with uow:
        searching = uow.patients.searching_count()
        by_state = uow.requests.count_by_status()
        waits = uow.patients.placement_waits()
        without_start = uow.patients.placed_without_start()
    days = [(placed - started).total_seconds() / 86400 for placed, started in waits]
    return {
        "searching_patients": searching,
        "open_requests_by_status": {s.value: by_state.get(s.value, 0) for s in OPEN},
        "closed_requests_by_status": {s.value: by_state.get(s.value, 0) for s in TERMINAL},
        "placements": len(waits) + without_start,
        "median_days_to_placement": round(statistics.median(days), 2) if days else None,
        "answer_rates": _answer_rates(by_state),
    }


def _answer_rates(by_state: dict[str, int]) -> dict[str, float | None]:
    answered = by_state.get("accepted", 0) + by_state.get("rejected", 0)
    unanswered = by_state.get("expired", 0) + by_state.get("no_response", 0)
    decided = answered + unanswered
    return {
        "answered": round(answered / decided, 4) if decided else None,
        "accepted": round(by_state.get("accepted", 0) / answered, 4) if answered else None,
    }
