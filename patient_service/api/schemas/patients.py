"""Schemas of `POST/GET /api/patients` and `PATCH /api/patients/{id}`, and their columns."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from patient_service.api.schemas.base import StrictModel
from patient_service.api.schemas.consents import ConsentIn
from patient_service.api.schemas.fields import (
    Email,
    Icd10,
    IsoDate,
    LanguageCode,
    LongText,
    Phone,
    PlainText,
    PostalCode,
    Text,
    TherapistId,
    Version,
    WeeklyWindows,
)
from patient_service.domain.changes import ADDRESS_FIELDS
from shared.http.pagination import PageQuery
from shared.patient_vocabulary import (
    InsuranceType,
    LocationStatus,
    PatientStatus,
    Symptom,
    TherapistGenderWish,
    TravelMode,
)
from shared.vocabulary import Gender, Procedure

StrictBool = Annotated[bool, Field(strict=True)]
Distance = Annotated[float, Field(ge=1, le=200, strict=True)]
TravelMinutes = Annotated[int, Field(ge=5, le=300, strict=True)]


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


class AddressIn(StrictModel):
    street: LongText | None = None
    house_number: Annotated[PlainText, Field(min_length=1, max_length=20)] | None = None
    postal_code: PostalCode
    city: Text


class InsuranceIn(StrictModel):
    type: InsuranceType
    insurer: LongText | None = None
    number: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]{0,29}$")] | None = None


class PreviousTherapyIn(StrictModel):
    had_therapy: StrictBool
    last_session_date: IsoDate | None = None


class PreferencesIn(StrictModel):
    procedures: Annotated[list[Procedure], Field(max_length=4), AfterValidator(_unique)] = []
    therapist_gender: TherapistGenderWish = TherapistGenderWish.ANY
    languages: Annotated[list[LanguageCode], Field(max_length=10), AfterValidator(_unique)] = []
    group_ok: StrictBool = False
    group_only: StrictBool = Field(
        default=False, description="only group therapy; implies group_ok (see docs/domain.md)"
    )
    barrier_free: StrictBool = False
    max_distance_km: Distance = 25.0
    travel_mode: TravelMode = TravelMode.PUBLIC_TRANSPORT
    max_travel_minutes: TravelMinutes | None = None

    @model_validator(mode="before")
    @classmethod
    def _group_only_implies_group_ok(cls, data: Any) -> Any:
        """`group_only: true` with `group_ok: false` in one body contradicts itself (400);
        `group_only: true` alone implies `group_ok: true`."""
        if isinstance(data, dict) and data.get("group_only") is True:
            if data.get("group_ok") is False:
                raise ValueError("group_only true requires group_ok true")
            data = {**data, "group_ok": True}
        return data


class PreferencesPatch(PreferencesIn):
    """Only the fields sent are changed (`group_ok: false` also clears a stored `group_only`,
    `group_only: true` also sets `group_ok`)."""


Symptoms = Annotated[list[Symptom], Field(max_length=len(Symptom)), AfterValidator(_unique)]
Exclusions = Annotated[list[TherapistId], Field(max_length=1000), AfterValidator(_unique)]


class PatientCreate(StrictModel):
    salutation: Annotated[PlainText, Field(max_length=40)] | None = None
    first_name: Text
    last_name: Text
    gender: Gender
    birth_date: IsoDate
    email: Email | None = None
    phone: Phone | None = None
    address: AddressIn
    insurance: InsuranceIn
    symptoms: Symptoms = []
    diagnosis_icd10: Icd10 | None = None
    initial_consultation_date: IsoDate | None = None
    initial_consultation_waived: StrictBool = False
    previous_therapy: PreviousTherapyIn | None = None
    preferences: PreferencesIn = Field(default_factory=PreferencesIn)
    availability: WeeklyWindows = {}
    exclusions: Exclusions = []
    urgent: StrictBool = Field(default=False, description="staff flag; crisis symptoms force it")
    consent: ConsentIn = Field(
        description="required: the consent form version and when the patient gave it"
    )


class PatientUpdate(StrictModel):
    """PATCH: only the fields sent change; `version` (or If-Match) guards against lost updates."""

    version: Version | None = None
    salutation: Annotated[PlainText, Field(max_length=40)] | None = None
    first_name: Text = None  # type: ignore[assignment]
    last_name: Text = None  # type: ignore[assignment]
    gender: Gender = None  # type: ignore[assignment]
    birth_date: IsoDate = None  # type: ignore[assignment]
    email: Email | None = None
    phone: Phone | None = None
    address: AddressIn = None  # type: ignore[assignment]
    insurance: InsuranceIn = None  # type: ignore[assignment]
    symptoms: Symptoms = None  # type: ignore[assignment]
    diagnosis_icd10: Icd10 | None = None
    initial_consultation_date: IsoDate | None = None
    initial_consultation_waived: StrictBool = None  # type: ignore[assignment]
    previous_therapy: PreviousTherapyIn | None = None
    preferences: PreferencesPatch = None  # type: ignore[assignment]
    availability: WeeklyWindows = None  # type: ignore[assignment]
    exclusions: Exclusions = None  # type: ignore[assignment]
    urgent: StrictBool = None  # type: ignore[assignment]


class PatientListQuery(PageQuery):
    model_config = ConfigDict(extra="forbid")

    status: PatientStatus | None = None
    q: Annotated[PlainText, Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="part of the first or last name"
    )
    postal_code: Annotated[str, Field(pattern=r"^[0-9]{1,5}$")] | None = Field(
        default=None, description="postal code or its leading digits"
    )
    crisis: bool | None = None
    location_status: LocationStatus | None = None


def column_values(body: PatientCreate | PatientUpdate) -> dict[str, Any]:
    """Patient columns from a body (PATCH: only the fields it sets), nested objects flattened."""
    partial = isinstance(body, PatientUpdate)
    data = body.model_dump(mode="json", exclude_unset=partial, exclude={"version", "consent"})
    values: dict[str, Any] = {}
    for name, value in data.items():
        values.update(_flatten(name, value, body))
    return values


def _flatten(name: str, value: Any, body: BaseModel) -> dict[str, Any]:
    typed = getattr(body, name)
    if name == "address":
        return {field: value.get(field) for field in ADDRESS_FIELDS}
    if name == "insurance":
        return {
            "insurance_type": value["type"],
            "insurer": value.get("insurer"),
            "insurance_number": value.get("number"),
        }
    if name == "previous_therapy":
        return {
            "had_therapy": value and value["had_therapy"],
            "last_session_date": typed.last_session_date if typed else None,
        }
    if name == "urgent":
        return {"urgent_flagged": value}
    if name in ("birth_date", "initial_consultation_date"):
        return {name: typed}
    return {name: value}
