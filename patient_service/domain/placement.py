"""A placement confirmed by matching: when it applies to the patient, and what it changes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shared.patient_vocabulary import PatientStatus

APPLIED = "applied"
UNCHANGED = "unchanged"
UNKNOWN_PATIENT = "unknown_patient"
ERASED = "erased"
REFUSED = "refused_in_status_"


def placement_outcome(row: Mapping[str, Any] | None, therapist_id: int) -> str:
    """`applied` for a searching patient, else why not: `unknown_patient`, `erased`,
    `unchanged` (a repeat of the placement already applied) or `refused_in_status_<status>`."""
    if row is None:
        return UNKNOWN_PATIENT
    if row["erased_at"] is not None:
        return ERASED
    if row["status"] == PatientStatus.SEARCHING:
        return APPLIED
    same = (row["status"], row["placed_therapist_id"]) == (PatientStatus.PLACED, therapist_id)
    return UNCHANGED if same else f"{REFUSED}{row['status']}"


def placement_values(therapist_id: int, placed_at: datetime, now: datetime) -> dict[str, Any]:
    """The columns a confirmed placement writes."""
    return {
        "status": PatientStatus.PLACED.value,
        "placed_at": placed_at,
        "placed_therapist_id": therapist_id,
        "updated_at": now,
    }
