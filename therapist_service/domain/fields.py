"""Who owns which therapist field (the import or staff), their diff and their stored form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.vocabulary import TherapistStatus
from therapist_service.domain.errors import AgeRangeInvalid
from therapist_service.domain.offers import normalise_offers

# Fields the 116117 import owns: updated by every import, each change recorded.
SOURCE_FIELDS: tuple[str, ...] = (
    "salutation",
    "title",
    "first_name",
    "last_name",
    "gender",
    "street",
    "house_number",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    "phone",
    "fax",
    "email",
    "website",
    "languages",
    "offers",
    "barrier_free",
    "phone_hours",
    "consultation_hours",
)
# Fields staff maintain by hand: an import never writes them.
MANUAL_FIELDS: tuple[str, ...] = (
    "status",
    "status_reason",
    "block_reason",
    "accepting_new_patients",
    "capacity_as_of",
    "preferred_channel",
    "opted_out",
    "age_min",
    "age_max",
    "patient_genders",
    "prefers_group",
    "statutory_licence",
)
# Changing one of these may move the therapist into another practice.
CONTACT_FIELDS = frozenset({"email", "phone"})


@dataclass(frozen=True)
class FieldChange:
    """One field that changed: old → new."""

    field: str
    old: Any
    new: Any


def diff_fields(
    current: Mapping[Any, Any], incoming: Mapping[str, Any], fields: Iterable[str] = SOURCE_FIELDS
) -> list[FieldChange]:
    """Fields present in `incoming` whose value differs from `current`."""
    return [
        FieldChange(name, current.get(name), incoming[name])
        for name in fields
        if name in incoming and current.get(name) != incoming[name]
    ]


def manual_defaults() -> dict[str, Any]:
    """Manual fields of a therapist nobody has edited yet."""
    return {
        "accepting_new_patients": "unknown",
        "preferred_channel": "email",
        "opted_out": False,
        "patient_genders": [],
        "prefers_group": False,
        "status": TherapistStatus.ACTIVE.value,
    }


def normalise_sets(data: Mapping[str, Any]) -> dict[str, Any]:
    """Offers, languages and patient genders are stored as sorted sets."""
    normalised = dict(data)
    if normalised.get("offers") is not None:
        normalised["offers"] = normalise_offers(normalised["offers"])
    for name in ("languages", "patient_genders"):
        if normalised.get(name) is not None:
            normalised[name] = sorted(set(normalised[name]))
    return normalised


def check_age_range(merged: Mapping[str, Any]) -> None:
    """The patients' age range a therapist takes must not be empty (AgeRangeInvalid)."""
    low, high = merged.get("age_min"), merged.get("age_max")
    if low is not None and high is not None and low > high:
        raise AgeRangeInvalid()


def changes_as_details(changes: Iterable[FieldChange]) -> dict[str, dict[str, Any]]:
    """The audit form of changes: `{field: {"old": …, "new": …}}`."""
    return {change.field: {"old": change.old, "new": change.new} for change in changes}
