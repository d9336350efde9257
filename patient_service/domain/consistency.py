"""The consistency check's rule: does what matching and communication hold open for a patient
agree with the patient's status here (the authority), and can re-publishing the status fix it?"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.patient_vocabulary import PatientStatus

REPAIR = "repair"  # re-publish the patient's current status
LIST = "list"  # staff must look: re-publishing would not fix it, or could undo a placement
# A placement the peers recorded but this service has not confirmed (yet, or it was refused):
# re-publishing `searching` would make matching forget it, so staff look instead.
_PLACED = PatientStatus.PLACED.value


@dataclass(frozen=True)
class Finding:
    """What the check does about one patient, and what it saw (ids and states only)."""

    action: str | None  # REPAIR, LIST or None (nothing to do)
    problems: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


def assess(
    status: str, matching: Mapping[str, Any] | None, communication: Mapping[str, Any] | None
) -> Finding:
    """Compare the patient's `status` with matching's item (`status`, `open_requests`) and
    communication's (`status`, `open_requests`, `open_emails`, `open_calls`); None: the
    service holds nothing about the patient."""
    searching = status == PatientStatus.SEARCHING
    problems: list[str] = []
    unsafe = False
    matching_open = list((matching or {}).get("open_requests") or [])
    if matching is not None and matching.get("status") not in (None, status):
        problems.append(f"matching_status:{matching['status']}")
        unsafe |= searching and matching.get("status") == _PLACED
    if not searching and matching_open:
        problems.append("matching_open_requests")
    if communication is not None and communication.get("status") not in (None, status):
        problems.append(f"communication_status:{communication['status']}")
        unsafe |= searching and communication.get("status") == _PLACED
    contacts = [
        *((communication or {}).get("open_emails") or []),
        *((communication or {}).get("open_calls") or []),
    ]
    stranded = not searching and bool(contacts) and not matching_open
    if stranded:
        # Communication withdraws when matching cancels: with nothing open in matching,
        # re-publishing the status cannot reach these contacts.
        problems.append("communication_open_contacts")
    if not problems:
        return Finding(None)
    details = {
        "status": status,
        "problems": problems,
        "matching": dict(matching) if matching is not None else None,
        "communication": dict(communication) if communication is not None else None,
    }
    return Finding(LIST if unsafe or stranded else REPAIR, problems, details)
