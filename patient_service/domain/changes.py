"""What a change to a patient is: merged values, derived flags, and its audit form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from patient_service.domain.symptoms import flags

ADDRESS_FIELDS = ("street", "house_number", "postal_code", "city")
# Bookkeeping columns: they change with every write and say nothing to a reader of the audit.
BOOKKEEPING_FIELDS = frozenset(
    {"version", "updated_at", "location_checked_at", "location_attempts"}
)


def merge_update(current: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """The new values of a PATCH: preferences merge field by field, the rest replaces."""
    merged = dict(patch)
    if "preferences" in patch:
        merged["preferences"] = group_setting(
            {**current["preferences"], **patch["preferences"]}, patch["preferences"]
        )
    if "symptoms" in patch or "urgent_flagged" in patch:
        merged.update(
            flags(
                merged.get("symptoms", current["symptoms"]),
                merged.get("urgent_flagged", current["urgent_flagged"]),
            )
        )
    return {name: value for name, value in merged.items() if current.get(name) != value}


def group_setting(preferences: Mapping[str, Any], sent: Mapping[str, Any]) -> dict[str, Any]:
    """Merged preferences with a consistent group setting: `group_only` implies `group_ok`;
    a change that sends `group_ok: false` (and no `group_only`) also clears `group_only`."""
    result = dict(preferences)
    if sent.get("group_ok") is False and "group_only" not in sent:
        result["group_only"] = False
    if result.get("group_only"):
        result["group_ok"] = True
    return result


def address_changed(changes: Mapping[str, Any]) -> bool:
    """True when any address field is among the changes."""
    return any(name in changes for name in ADDRESS_FIELDS)


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field of `new` whose value differs from `old`."""
    return {name: [old.get(name), value] for name, value in new.items() if old.get(name) != value}


def audit_value(value: Any) -> Any:
    """A JSON-friendly form of a column value for the audit log."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def audit_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} in JSON form, bookkeeping columns left out."""
    return {
        name: [audit_value(before), audit_value(after)]
        for name, (before, after) in field_changes(old, new).items()
        if name not in BOOKKEEPING_FIELDS
    }
