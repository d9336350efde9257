"""Therapist bodies and answers: the fields staff may set, registration, PATCH, the record."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from shared.events.therapist import LanguageCode, OfferItem, WeeklyWindowsValue
from shared.vocabulary import Capacity, Channel, Gender, TherapistSource, TherapistStatus
from therapist_service.api.schemas.base import Age, Email, Input, Name, OfferIn, Phone, Website

NOT_NULL = {
    "last_name",
    "gender",
    "languages",
    "offers",
    "barrier_free",
    "phone_hours",
    "consultation_hours",
    "statutory_licence",
    "preferred_channel",
    "opted_out",
    "patient_genders",
    "prefers_group",
}


# A therapist is contacted by e-mail or phone (`link` is an answer channel only).
ContactChannel = Literal[Channel.EMAIL, Channel.PHONE]


class TherapistFields(Input):
    """Fields staff may set; all optional here (PATCH sends only what changes)."""

    salutation: str | None = Field(default=None, max_length=50)
    title: str | None = Field(default=None, max_length=100)
    first_name: Name | None = None
    last_name: Name | None = None
    gender: Gender | None = None
    street: str | None = Field(default=None, max_length=200)
    house_number: str | None = Field(default=None, max_length=20)
    postal_code: str | None = Field(default=None, pattern=r"^\d{5}$")
    city: str | None = Field(default=None, max_length=200)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    phone: Phone | None = None
    fax: Phone | None = None
    email: Email | None = None
    website: Website | None = None
    languages: list[LanguageCode] | None = Field(default=None, max_length=50)
    offers: list[OfferIn] | None = Field(default=None, max_length=32)
    barrier_free: bool | None = None
    phone_hours: WeeklyWindowsValue | None = None
    consultation_hours: WeeklyWindowsValue | None = None
    statutory_licence: bool | None = None
    preferred_channel: ContactChannel | None = None
    opted_out: bool | None = None
    age_min: Age | None = None
    age_max: Age | None = None
    patient_genders: list[Gender] | None = Field(default=None, max_length=4)
    prefers_group: bool | None = None

    @model_validator(mode="after")
    def _consistent(self) -> TherapistFields:
        nulls = sorted(
            name for name in self.model_fields_set & NOT_NULL if getattr(self, name) is None
        )
        if nulls:
            raise ValueError(f"may not be null: {', '.join(nulls)}")
        if ("latitude" in self.model_fields_set) != ("longitude" in self.model_fields_set):
            raise ValueError("latitude and longitude are set together")
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude are both set or both null")
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError("age_min must not be greater than age_max")
        return self


class TherapistCreate(TherapistFields):
    """A therapist registered by staff."""

    external_id: str | None = Field(default=None, min_length=1, max_length=100)
    last_name: Name


class TherapistUpdate(TherapistFields):
    """A partial update (PATCH): only the given fields change."""


class TherapistRead(BaseModel):
    """A therapist as the API shows it."""

    id: int
    external_id: str | None
    source: TherapistSource
    salutation: str | None
    title: str | None
    first_name: str | None
    last_name: str
    gender: Gender
    street: str | None
    house_number: str | None
    postal_code: str | None
    city: str | None
    latitude: float | None
    longitude: float | None
    phone: str | None
    fax: str | None
    email: str | None
    website: str | None
    languages: list[str]
    offers: list[OfferItem]
    statutory_licence: bool
    barrier_free: bool
    phone_hours: dict[str, list[str]]
    consultation_hours: dict[str, list[str]]
    accepting_new_patients: Capacity
    capacity_as_of: date | None
    preferred_channel: Channel
    opted_out: bool
    age_min: int | None
    age_max: int | None
    patient_genders: list[Gender]
    prefers_group: bool
    status: TherapistStatus
    status_reason: str | None
    status_changed_at: datetime | None
    block_reason: str | None
    practice_id: int | None
    last_seen_at: datetime | None
    last_import_run_id: int | None
    created_at: datetime
    updated_at: datetime
    distance_km: float | None = None


class TherapistPage(BaseModel):
    """One page of therapists."""

    items: list[TherapistRead]
    page: int
    per_page: int
    total: int
