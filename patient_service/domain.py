"""Pure rules of the patient service (standard library only)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

# Mirrors shared.patient_vocabulary.PatientStatus (a unit test keeps both equal).
REGISTERED, SEARCHING, PAUSED, PLACED = "registered", "searching", "paused", "placed"
IN_THERAPY, COMPLETED, CANCELLED = "in_therapy", "completed", "cancelled"
STATUSES = (REGISTERED, SEARCHING, PAUSED, PLACED, IN_THERAPY, COMPLETED, CANCELLED)

TRANSITIONS: dict[str, frozenset[str]] = {
    REGISTERED: frozenset({SEARCHING}),
    SEARCHING: frozenset({PAUSED, PLACED, CANCELLED}),
    PAUSED: frozenset({SEARCHING, CANCELLED}),
    PLACED: frozenset({IN_THERAPY}),
    IN_THERAPY: frozenset({COMPLETED}),
    COMPLETED: frozenset(),
    CANCELLED: frozenset(),
}
MAX_AGE_YEARS = 120
# ICD-10(-GM): letter, two digits, optional dot with 1-4 more characters (F32.1, F43.10).
_ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")
_IF_MATCH = re.compile(r'^(?:W/)?(?:"(\d{1,9})"|(\d{1,9}))$')


class TransitionRefused(Exception):
    """A status change that domain.md does not allow (HTTP 409)."""


def allowed_targets(current: str) -> frozenset[str]:
    """Statuses reachable from `current` in one step."""
    return TRANSITIONS.get(current, frozenset())


def check_transition(current: str, target: str) -> None:
    """Raise TransitionRefused unless `current → target` is allowed."""
    if target not in allowed_targets(current):
        allowed = ", ".join(sorted(allowed_targets(current))) or "none"
        raise TransitionRefused(f"'{current}' → '{target}' is not allowed (allowed: {allowed}).")


def transition_event(current: str, target: str) -> str:
    """Which patient event a transition emits (`search_started`, `placed`, ... or `updated`)."""
    if target == SEARCHING:
        return "search_resumed" if current == PAUSED else "search_started"
    return {PAUSED: "search_paused", CANCELLED: "search_cancelled", PLACED: "placed"}.get(
        target, "updated"
    )


@dataclass(frozen=True)
class CaseFacts:
    """What search start needs to know about a case."""

    first_name: str | None
    last_name: str | None
    birth_date: date | None
    gender: str | None
    email: str | None
    phone: str | None
    postal_code: str | None
    city: str | None
    insurance_type: str | None
    insurance_number: str | None
    symptoms: tuple[str, ...]
    consent_given: bool
    consent_withdrawn: bool
    initial_consultation_date: date | None
    initial_consultation_waived: bool
    location_status: str | None


def missing_for_search(case: CaseFacts) -> dict[str, str]:
    """Field → reason for everything that keeps a case from searching (empty = complete)."""
    missing = {name: "required" for name in _required_blanks(case)}
    if not (case.email or case.phone):
        missing["contact"] = "an e-mail address or a phone number is required"
    if case.insurance_type == "statutory" and not case.insurance_number:
        missing["insurance.number"] = "required for statutory insurance"
    if not case.symptoms:
        missing["symptoms"] = "at least one symptom is required"
    missing.update(_consent_and_consultation(case))
    if case.location_status != "resolved":
        missing["location"] = _location_reason(case.location_status)
    return missing


def _required_blanks(case: CaseFacts) -> list[str]:
    fields = {
        "first_name": case.first_name,
        "last_name": case.last_name,
        "birth_date": case.birth_date,
        "gender": case.gender,
        "address.postal_code": case.postal_code,
        "address.city": case.city,
        "insurance.type": case.insurance_type,
    }
    return [name for name, value in fields.items() if value in (None, "")]


def _consent_and_consultation(case: CaseFacts) -> dict[str, str]:
    missing: dict[str, str] = {}
    if not case.consent_given:
        missing["consent"] = "no consent recorded"
    elif case.consent_withdrawn:
        missing["consent"] = "consent was withdrawn"
    if case.initial_consultation_date is None and not case.initial_consultation_waived:
        missing["initial_consultation_date"] = "set the date or have staff waive it"
    return missing


def _location_reason(status: str | None) -> str:
    if status == "failed":
        return "the address could not be located; correct it"
    return "the address is not located yet (geocoding pending)"


def age_on(birth_date: date, today: date) -> int:
    """Completed years on `today`."""
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - int(before_birthday)


def birth_date_problems(birth_date: date, today: date) -> list[str]:
    """Why a birth date is implausible (empty = fine)."""
    if birth_date > today:
        return ["must not be in the future"]
    if age_on(birth_date, today) > MAX_AGE_YEARS:
        return [f"age must be at most {MAX_AGE_YEARS} years"]
    return []


def not_in_future(when: date, today: date) -> list[str]:
    """A past-only date (last session, consent given) must not lie ahead."""
    return ["must not be in the future"] if when > today else []


def is_valid_icd10(code: str) -> bool:
    """True for an ICD-10 code shape such as F32 or F43.10."""
    return bool(_ICD10.match(code))


def crisis_codes(symptoms: Iterable[str], crisis_symptoms: Iterable[str]) -> list[str]:
    """The symptoms that raise the crisis flag."""
    crisis = set(crisis_symptoms)
    return [s for s in symptoms if s in crisis]


def is_urgent(symptoms: Iterable[str], crisis_symptoms: Iterable[str], flagged: bool) -> bool:
    """Urgent when staff flagged it or a crisis symptom is present."""
    return flagged or bool(crisis_codes(symptoms, crisis_symptoms))


def parse_version(header: str | None) -> int | None:
    """`If-Match: 3` / `"3"` / `W/"3"` → 3; None when absent; ValueError when malformed."""
    if header is None or not header.strip():
        return None
    match = _IF_MATCH.match(header.strip())
    if match is None:
        raise ValueError("If-Match must carry the patient's version number")
    return int(match.group(1) or match.group(2))


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field of `new` whose value differs from `old`."""
    return {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}


def round_coordinate(value: float | None) -> float | None:
    """Coordinates in events are rounded to 3 decimals (~100 m)."""
    return None if value is None else round(value, 3)


# Audit-log fields whose old/new values say nothing about the person (kept after erasure).
NON_PERSONAL_AUDIT_FIELDS = frozenset(
    {
        "status",
        "location_status",
        "location_precision",
        "location_source",
        "search_started_at",
        "placed_at",
        "placed_therapist_id",
        "consent_version",
        "consent_given_at",
        "consent_withdrawn_at",
        "initial_consultation_waived",
        "urgent_flagged",
        "erased_at",
    }
)
ERASED_VALUE = "[erased]"


def scrub_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """An audit entry's {field: [old, new]} with every personal value replaced (names stay)."""
    return {
        field: value if field in NON_PERSONAL_AUDIT_FIELDS else ERASED_VALUE
        for field, value in changes.items()
    }


def erasure_status(steps: Iterable[Mapping[str, Any]]) -> str:
    """`not_requested` without steps, `completed` when every step has completed_at."""
    done = [step.get("completed_at") is not None for step in steps]
    if not done:
        return "not_requested"
    return "completed" if all(done) else "in_progress"
