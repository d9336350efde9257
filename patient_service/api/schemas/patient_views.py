"""The patient as the API shows it (response schemas of one patient and of a page)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from patient_service.domain.changes import ADDRESS_FIELDS
from patient_service.domain.dates import age_on
from shared.patient_vocabulary import complaint_groups, crisis_symptoms


class AddressRead(BaseModel):
    street: str | None
    house_number: str | None
    postal_code: str | None = Field(description="null once erased")
    city: str | None


class InsuranceRead(BaseModel):
    type: str
    insurer: str | None
    number: str | None


class PreviousTherapyRead(BaseModel):
    had_therapy: bool | None
    last_session_date: date | None


class ConsentRead(BaseModel):
    version: str
    given_at: datetime
    withdrawn_at: datetime | None


class LocationRead(BaseModel):
    status: str
    latitude: float | None
    longitude: float | None
    precision: str | None
    source: str | None
    checked_at: datetime | None


class PatientRead(BaseModel):
    id: int
    status: str
    version: int
    salutation: str | None
    first_name: str | None = Field(description="null once erased (Art. 17)")
    last_name: str | None
    gender: str
    birth_date: date | None
    age: int | None
    email: str | None
    phone: str | None
    address: AddressRead
    insurance: InsuranceRead
    symptoms: list[str]
    complaint_groups: list[str]
    crisis: bool
    crisis_symptoms: list[str]
    crisis_acknowledged_at: str | None = None
    urgent: bool
    diagnosis_icd10: str | None
    initial_consultation_date: date | None
    initial_consultation_waived: bool
    previous_therapy: PreviousTherapyRead | None
    preferences: dict[str, Any]
    availability: dict[str, list[str]]
    exclusions: list[int]
    consent: ConsentRead | None
    location: LocationRead
    search_started_at: datetime | None
    placed_at: datetime | None
    placed_therapist_id: int | None
    created_at: datetime
    updated_at: datetime
    erased_at: datetime | None = Field(description="set when the personal data was erased")


class PatientListRead(BaseModel):
    items: list[PatientRead]
    page: int
    per_page: int
    total: int


def iso(value: date | datetime | None) -> str | None:
    """A date or time as an ISO string (None stays None)."""
    return None if value is None else value.isoformat()


def patient_body(row: dict[str, Any], today: date) -> dict[str, Any]:
    """A patient row as the API shows it (full data: staff only)."""
    return {
        "id": row["id"],
        "status": row["status"],
        "version": row["version"],
        "salutation": row["salutation"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "gender": row["gender"],
        "birth_date": iso(row["birth_date"]),
        "age": age_on(row["birth_date"], today) if row["birth_date"] else None,
        "email": row["email"],
        "phone": row["phone"],
        "address": {field: row[field] for field in ADDRESS_FIELDS},
        "insurance": {
            "type": row["insurance_type"],
            "insurer": row["insurer"],
            "number": row["insurance_number"],
        },
        "symptoms": row["symptoms"],
        "complaint_groups": complaint_groups(row["symptoms"]),
        "crisis": row["crisis"],
        "crisis_symptoms": crisis_symptoms(row["symptoms"]),
        "crisis_acknowledged_at": iso(row.get("crisis_acknowledged_at")),
        "urgent": row["urgent"],
        "diagnosis_icd10": row["diagnosis_icd10"],
        "initial_consultation_date": iso(row["initial_consultation_date"]),
        "initial_consultation_waived": row["initial_consultation_waived"],
        "previous_therapy": _previous_therapy(row),
        "preferences": row["preferences"],
        "availability": row["availability"],
        "exclusions": row["exclusions"],
        "consent": _consent(row),
        "location": _location(row),
        **_lifecycle(row),
    }


def _previous_therapy(row: dict[str, Any]) -> dict[str, Any] | None:
    if row["had_therapy"] is None:
        return None
    return {"had_therapy": row["had_therapy"], "last_session_date": iso(row["last_session_date"])}


def _consent(row: dict[str, Any]) -> dict[str, Any] | None:
    if row["consent_version"] is None:
        return None
    return {
        "version": row["consent_version"],
        "given_at": iso(row["consent_given_at"]),
        "withdrawn_at": iso(row["consent_withdrawn_at"]),
    }


def _location(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": row["location_status"],
        "latitude": row["latitude"],
        "longitude": row["longitude"],
        "precision": row["location_precision"],
        "source": row["location_source"],
        "checked_at": iso(row["location_checked_at"]),
    }


def _lifecycle(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "search_started_at": iso(row["search_started_at"]),
        "placed_at": iso(row["placed_at"]),
        "placed_therapist_id": row["placed_therapist_id"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
        "erased_at": iso(row["erased_at"]),
    }
