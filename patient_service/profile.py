"""The pseudonymous matching profile of a patient row, as events and as change names."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from patient_service import domain
from shared.events.envelope import DomainEvent
from shared.events.patient import EVENTS_BY_KIND
from shared.patient_vocabulary import complaint_groups

BERLIN = ZoneInfo("Europe/Berlin")

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


def local_today(now: datetime) -> date:
    """The calendar date in Germany at `now` (ages and 'not in the future' use it)."""
    return now.astimezone(BERLIN).date()


def profile(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The matching profile of a patient row (no names, contact data or free text)."""
    return {
        "patient_id": row["id"],
        "status": row["status"],
        "age": domain.age_on(row["birth_date"], local_today(now)),
        "gender": row["gender"],
        "postal_code": row["postal_code"],
        "latitude": domain.round_coordinate(row["latitude"]),
        "longitude": domain.round_coordinate(row["longitude"]),
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


def patient_event(kind: str, row: dict[str, Any], now: datetime, **extra: Any) -> DomainEvent:
    """`patient.<kind>` for a row (`registered`, `updated`, `search_started`, ...)."""
    return EVENTS_BY_KIND[kind].model_validate({**profile(row, now), **extra})


def changed_profile_fields(changed_columns: list[str]) -> list[str]:
    """Profile field names touched by some column changes (empty = matching does not care)."""
    return sorted({PROFILE_FIELDS[c] for c in changed_columns if c in PROFILE_FIELDS})
