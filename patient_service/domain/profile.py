"""The pseudonymous matching profile of a patient row, and which of its fields a change touches."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from patient_service.domain.dates import age_on, local_today
from shared.patient_vocabulary import complaint_groups

# Patient columns that feed the profile, and the profile field each one shows up as.
PROFILE_FIELDS: dict[str, str] = {
    "status": "status",
    "birth_date": "age",
    "gender": "gender",
    "postal_code": "postal_code",
    "latitude": "location",
    "longitude": "location",
    "location_status": "location",
    "location_precision": "location",
    "insurance_type": "insurance_type",
    "preferences": "preferences",
    "availability": "availability",
    "exclusions": "exclusions",
    "urgent": "urgent",
    "symptoms": "complaint_groups",
}


def round_coordinate(value: float | None) -> float | None:
    """Coordinates in events are rounded to 3 decimals (~100 m)."""
    return None if value is None else round(value, 3)


def profile(row: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The matching profile of a patient row (no names, contact data or free text)."""
    return {
        "patient_id": row["id"],
        "status": row["status"],
        "age": age_on(row["birth_date"], local_today(now)),
        "gender": row["gender"],
        "postal_code": row["postal_code"],
        "latitude": round_coordinate(row["latitude"]),
        "longitude": round_coordinate(row["longitude"]),
        "location_status": row["location_status"],
        "location_precision": row["location_precision"],
        "insurance_type": row["insurance_type"],
        "preferences": row["preferences"],
        "availability": row["availability"],
        "exclusions": row["exclusions"],
        "urgent": row["urgent"],
        "complaint_groups": complaint_groups(row["symptoms"]),
        "search_started_at": row["search_started_at"],
    }


def changed_profile_fields(changed_columns: list[str]) -> list[str]:
    """Profile field names touched by some column changes (empty = matching does not care)."""
    return sorted({PROFILE_FIELDS[name] for name in changed_columns if name in PROFILE_FIELDS})
