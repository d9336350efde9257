"""Art. 17 erasure rules: what a tombstone keeps, scrubbed audit values, who must erase."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from patient_service.domain.locations import FAILED

OWN_SERVICE = "patient_service"
# Services that hold data about a patient and answer patient.erased (therapist and scraping
# hold none: they never receive patient ids or contact data).
ERASING_SERVICES = (OWN_SERVICE, "matching_service", "communication_service", "geocoding_service")

# What a tombstone keeps: id, status, version, consent facts, lifecycle dates, placed therapist.
TOMBSTONE: dict[str, Any] = {
    "salutation": None,
    "first_name": None,
    "last_name": None,
    "gender": "unspecified",
    "birth_date": None,
    "email": None,
    "phone": None,
    "street": None,
    "house_number": None,
    "postal_code": None,
    "city": None,
    "insurer": None,
    "insurance_number": None,
    "symptoms": [],
    "crisis": False,
    "urgent": False,
    "urgent_flagged": False,
    "diagnosis_icd10": None,
    "initial_consultation_date": None,
    "had_therapy": None,
    "last_session_date": None,
    "preferences": {},
    "availability": {},
    "exclusions": [],
    # `failed`, never `pending`: the resolve-locations job must not look the tombstone up.
    "location_status": FAILED,
    "latitude": None,
    "longitude": None,
    "location_precision": None,
    "location_source": None,
}

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


def erasure_report(patient_id: int, steps: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Per service: completed_at (null while pending) and counts, and the overall status."""
    first = steps[0] if steps else {}
    return {
        "patient_id": patient_id,
        "status": erasure_status(steps),
        "requested_at": first.get("requested_at"),
        "requested_by": first.get("requested_by"),
        "services": [
            {
                "service": step["service"],
                "completed_at": step["completed_at"],
                "counts": step["counts"],
            }
            for step in steps
        ],
    }
