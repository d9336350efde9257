"""Event schemas published by scraping_service (topic `scraping-events`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared.events.envelope import DomainEvent, register
from shared.events.therapist import LanguageCode, OfferItem, WeeklyWindowsValue
from shared.vocabulary import Gender, ImportSource, TherapistSource

E164 = Annotated[str, Field(pattern=r"^\+[1-9]\d{6,14}$", description="E.164, e.g. +492411234567")]
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]


class TherapistRecord(BaseModel):
    """A therapist as the importer normalised it (116117 practice data, public, no patient data)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    external_id: str = Field(min_length=1, max_length=100, description="116117 `id`")
    source: TherapistSource = TherapistSource.ARZTSUCHE_116117
    salutation: str | None = Field(default=None, max_length=50)
    title: str | None = Field(default=None, max_length=100)
    first_name: str | None = Field(default=None, max_length=200)
    last_name: str = Field(min_length=1, max_length=200)
    gender: Gender = Gender.UNSPECIFIED
    street: str | None = Field(default=None, max_length=200)
    house_number: str | None = Field(default=None, max_length=20)
    postal_code: str | None = Field(default=None, pattern=r"^\d{5}$")
    city: str | None = Field(default=None, max_length=200)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    phone: E164 | None = None
    fax: E164 | None = None
    email: Email | None = None
    website: str | None = Field(default=None, max_length=500)
    languages: list[LanguageCode] = Field(default_factory=list)
    offers: list[OfferItem] = Field(default_factory=list)
    statutory_licence: bool = True
    barrier_free: bool = False
    phone_hours: WeeklyWindowsValue = Field(default_factory=dict)
    consultation_hours: WeeklyWindowsValue = Field(default_factory=dict)


class FieldDiff(BaseModel):
    """One changed field of a record: old → new (values as in TherapistRecord)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    field: str
    old: Any = None
    new: Any = None


class _ExternalTherapistEvent(DomainEvent):
    """Keyed by the 116117 id, so one practice's events stay in order."""

    aggregate: ClassVar[str] = "external_therapist"
    aggregate_id_field: ClassVar[str] = "external_id"

    external_id: str = Field(min_length=1, max_length=100)
    import_run_id: int = Field(ge=1)


RECORD_EXAMPLE: dict[str, Any] = {
    "external_id": "a7f3c2e1-5b0d-4e55-9d0e-1c2b3a4d5e6f",
    "source": "arztsuche_116117",
    "salutation": "Frau",
    "title": "Dr.",
    "first_name": "Miriam",
    "last_name": "Testfeld",
    "gender": "female",
    "street": "Lindenallee",
    "house_number": "12a",
    "postal_code": "52062",
    "city": "Aachen",
    "latitude": 50.7766,
    "longitude": 6.0854,
    "phone": "+492411234567",
    "fax": "+492411234568",
    "email": "praxis@testfeld.example",
    "website": "https://www.praxis-testfeld.example",
    "languages": ["en", "tr"],
    "offers": [
        {"procedure": "VT", "age_group": "adults", "setting": "individual"},
        {"procedure": "VT", "age_group": "adults", "setting": "group"},
    ],
    "statutory_licence": True,
    "barrier_free": True,
    "phone_hours": {"mon": ["08:00-08:50", "12:30-13:00"], "wed": ["14:00-14:50"]},
    "consultation_hours": {"mon": ["09:00-17:00"]},
}


@register(
    example={
        "external_id": RECORD_EXAMPLE["external_id"],
        "import_run_id": 12,
        "record": RECORD_EXAMPLE,
    }
)
class TherapistDiscovered(_ExternalTherapistEvent):
    """An import saw this practice for the first time."""

    event_type: ClassVar[str] = "scraping.therapist_discovered"

    record: TherapistRecord


@register(
    example={
        "external_id": RECORD_EXAMPLE["external_id"],
        "import_run_id": 13,
        "record": RECORD_EXAMPLE,
        "changes": [
            {
                "field": "phone_hours",
                "old": {"mon": ["08:00-08:30"]},
                "new": RECORD_EXAMPLE["phone_hours"],
            }
        ],
    }
)
class TherapistChanged(_ExternalTherapistEvent):
    """An import saw changed source fields; `record` is the whole new state, `changes` the diff."""

    event_type: ClassVar[str] = "scraping.therapist_changed"

    record: TherapistRecord
    changes: list[FieldDiff] = Field(default_factory=list)


@register(
    example={
        "external_id": RECORD_EXAMPLE["external_id"],
        "import_run_id": 15,
        "last_seen_at": "2026-11-20T03:00:00Z",
        "missed_runs": 2,
    }
)
class TherapistDisappeared(_ExternalTherapistEvent):
    """The practice was missing from N consecutive full runs of its area."""

    event_type: ClassVar[str] = "scraping.therapist_disappeared"

    last_seen_at: datetime | None = None
    missed_runs: int = Field(default=1, ge=1)


class RunCounts(BaseModel):
    """Per-verdict record counts of one import run."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    new: int = Field(default=0, ge=0)
    changed: int = Field(default=0, ge=0)
    unchanged: int = Field(default=0, ge=0)
    disappeared: int = Field(default=0, ge=0)
    rejected: int = Field(default=0, ge=0)


@register(
    example={
        "import_run_id": 12,
        "source": "folder",
        "area": "52062/25km",
        "full_run": True,
        "counts": {"new": 40, "changed": 3, "unchanged": 900, "disappeared": 1, "rejected": 2},
        "started_at": "2026-11-26T03:00:00Z",
        "finished_at": "2026-11-26T03:04:10Z",
    }
)
class RunCompleted(DomainEvent):
    """An import run finished (its per-therapist events were published before this one)."""

    event_type: ClassVar[str] = "scraping.run_completed"
    aggregate: ClassVar[str] = "import_run"
    aggregate_id_field: ClassVar[str] = "import_run_id"

    import_run_id: int = Field(ge=1)
    source: ImportSource
    area: str | None = Field(default=None, max_length=200)
    full_run: bool = True
    counts: RunCounts = Field(default_factory=RunCounts)
    started_at: datetime
    finished_at: datetime
