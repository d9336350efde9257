"""Search readiness: what a case must hold before it may start searching."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any


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


def case_facts(row: Mapping[str, Any]) -> CaseFacts:
    """The facts search start checks, from a patient row."""
    return CaseFacts(
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
