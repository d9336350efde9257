"""The patient lifecycle: which status changes are allowed and which event each one emits."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from patient_service.domain.cases import case_facts, missing_for_search
from patient_service.domain.errors import CaseIncomplete, TransitionRefused
from shared.patient_vocabulary import PatientStatus

STATUSES: tuple[str, ...] = tuple(status.value for status in PatientStatus)

TRANSITIONS: dict[str, frozenset[str]] = {
    PatientStatus.REGISTERED: frozenset({PatientStatus.SEARCHING}),
    PatientStatus.SEARCHING: frozenset(
        {PatientStatus.PAUSED, PatientStatus.PLACED, PatientStatus.CANCELLED}
    ),
    PatientStatus.PAUSED: frozenset({PatientStatus.SEARCHING, PatientStatus.CANCELLED}),
    PatientStatus.PLACED: frozenset({PatientStatus.IN_THERAPY}),
    PatientStatus.IN_THERAPY: frozenset({PatientStatus.COMPLETED}),
    PatientStatus.COMPLETED: frozenset(),
    PatientStatus.CANCELLED: frozenset(),
}
# The event kind of a transition by its target (a search start depends on where it comes from).
_EVENT_OF_TARGET: dict[str, str] = {
    PatientStatus.PAUSED: "search_paused",
    PatientStatus.CANCELLED: "search_cancelled",
    PatientStatus.PLACED: "placed",
}


def allowed_targets(current: str) -> frozenset[str]:
    """Statuses reachable from `current` in one step."""
    return TRANSITIONS.get(current, frozenset())


def check_transition(current: str, target: str) -> None:
    """Raise TransitionRefused unless `current → target` is allowed."""
    if target not in allowed_targets(current):
        allowed = ", ".join(sorted(allowed_targets(current))) or "none"
        raise TransitionRefused(current, target, allowed)


def transition_event(current: str, target: str) -> str:
    """Which patient event a transition emits (`search_started`, `placed`, ... or `updated`)."""
    if target == PatientStatus.SEARCHING:
        return "search_resumed" if current == PatientStatus.PAUSED else "search_started"
    return _EVENT_OF_TARGET.get(target, "updated")


def transition_values(
    row: Mapping[str, Any], target: str, therapist_id: int | None, now: datetime
) -> dict[str, Any]:
    """The columns a status change writes; refused when not allowed or the case lacks facts."""
    check_transition(row["status"], target)
    values: dict[str, Any] = {"status": target, "updated_at": now}
    if target == PatientStatus.SEARCHING:
        missing = missing_for_search(case_facts(row))
        if missing:
            raise CaseIncomplete(missing)
        values["search_started_at"] = row["search_started_at"] or now
    if target == PatientStatus.PLACED:
        if therapist_id is None:
            raise CaseIncomplete({"therapist_id": "required to mark a patient as placed"})
        values.update(placed_at=now, placed_therapist_id=therapist_id)
    return values
