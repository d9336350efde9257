"""Derived values of a patient change: location columns, crisis flags, merged preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from patient_service import domain
from patient_service.geocoding import Address, Geocoder, GeocodingUnavailable, LocationNotFound
from shared.patient_vocabulary import CRISIS_SYMPTOMS

ADDRESS_FIELDS = ("street", "house_number", "postal_code", "city")


def address_of(values: dict[str, Any]) -> Address:
    """The address part of patient values."""
    street, house_number, postal_code, city = (str(values.get(f) or "") for f in ADDRESS_FIELDS)
    return Address(street, house_number, postal_code, city, values.get("id"))


def locate(
    geocoder: Geocoder, values: dict[str, Any], now: datetime, attempts: int = 0
) -> dict[str, Any]:
    """Location columns after asking the geocoding service (pending when it cannot answer)."""
    base = {
        "latitude": None,
        "longitude": None,
        "location_precision": None,
        "location_source": None,
        "location_checked_at": now,
        "location_attempts": attempts + 1,
    }
    try:
        point = geocoder.locate(address_of(values))
    except LocationNotFound:
        return {**base, "location_status": "failed"}
    except GeocodingUnavailable:
        return {**base, "location_status": "pending"}
    return {
        **base,
        "location_status": "resolved",
        "latitude": point.latitude,
        "longitude": point.longitude,
        "location_precision": point.precision,
        "location_source": point.source,
    }


def flags(symptoms: list[str], urgent_flagged: bool) -> dict[str, bool]:
    """Crisis marker and urgency from the symptoms and the staff flag."""
    return {
        "crisis": bool(domain.crisis_codes(symptoms, CRISIS_SYMPTOMS)),
        "urgent": domain.is_urgent(symptoms, CRISIS_SYMPTOMS, urgent_flagged),
    }


def merge_update(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """The new values of a PATCH: preferences merge field by field, the rest replaces."""
    merged = dict(patch)
    if "preferences" in patch:
        merged["preferences"] = {**current["preferences"], **patch["preferences"]}
    if "symptoms" in patch or "urgent_flagged" in patch:
        merged.update(
            flags(
                merged.get("symptoms", current["symptoms"]),
                merged.get("urgent_flagged", current["urgent_flagged"]),
            )
        )
    return {k: v for k, v in merged.items() if current.get(k) != v}


def address_changed(changes: dict[str, Any]) -> bool:
    """True when any address field is among the changes."""
    return any(f in changes for f in ADDRESS_FIELDS)


def case_facts(row: dict[str, Any]) -> domain.CaseFacts:
    """The facts search start checks, from a patient row."""
    return domain.CaseFacts(
        first_name=row["first_name"],
        last_name=row["last_name"],
        birth_date=row["birth_date"],
        gender=row["gender"],
        email=row["email"],
        phone=row["phone"],
        postal_code=row["postal_code"],
        city=row["city"],
        insurance_type=row["insurance_type"],
        insurance_number=row["insurance_number"],
        symptoms=tuple(row["symptoms"]),
        consent_given=row["consent_given_at"] is not None,
        consent_withdrawn=row["consent_withdrawn_at"] is not None,
        initial_consultation_date=row["initial_consultation_date"],
        initial_consultation_waived=row["initial_consultation_waived"],
        location_status=row["location_status"],
    )


def audit_value(value: Any) -> Any:
    """A JSON-friendly form of a column value for the audit log."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def audit_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} in JSON form, bookkeeping columns left out."""
    skip = {"version", "updated_at", "location_checked_at", "location_attempts"}
    return {
        k: [audit_value(o), audit_value(n)]
        for k, (o, n) in domain.field_changes(old, new).items()
        if k not in skip
    }
