"""Read models from consumed events; an event older than what is stored never overwrites it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from matching_service import models as m
from shared.events.patient import _PatientEvent
from shared.events.therapist import TherapistProfile

PROFILE_FIELDS = (
    "gender",
    "postal_code",
    "latitude",
    "longitude",
    "offers",
    "languages",
    "consultation_hours",
    "patient_genders",
    "statutory_licence",
    "barrier_free",
    "age_min",
    "age_max",
    "prefers_group",
)
STATUS_FIELDS = ("status", "opted_out")
CAPACITY_FIELDS = ("accepting_new_patients", "capacity_as_of")


def apply_patient(session: Session, event: _PatientEvent, at: datetime) -> bool:
    """Store the patient's profile unless a newer one is stored; True when applied."""
    data = event.model_dump(mode="json", exclude={"patient_id", "location_precision"})
    values = {
        "patient_id": event.patient_id,
        **{k: data[k] for k in _PATIENT_COLUMNS},
        "search_started_at": event.search_started_at,
        "profile_at": at,
        "updated_at": func.now(),
    }
    p = m.patients
    stmt = insert(p).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[p.c.patient_id],
        set_={k: stmt.excluded[k] for k in values if k != "patient_id"},
        where=p.c.profile_at <= stmt.excluded.profile_at,
    )
    return session.execute(stmt.returning(p.c.patient_id)).first() is not None


_PATIENT_COLUMNS = (
    "status",
    "age",
    "gender",
    "postal_code",
    "latitude",
    "longitude",
    "location_status",
    "insurance_type",
    "preferences",
    "availability",
    "exclusions",
    "urgent",
    "complaint_groups",
)


def therapist_row(session: Session, therapist_id: int) -> Any:
    """The stored therapist (or None)."""
    t = m.therapists
    return session.execute(select(t).where(t.c.therapist_id == therapist_id)).mappings().first()


def apply_therapist_profile(session: Session, event: TherapistProfile, at: datetime) -> None:
    """A full profile: each part (profile, status, capacity) only if newer than the stored part."""
    data = event.model_dump(mode="json")
    data["capacity_as_of"] = event.capacity_as_of
    groups = {
        "profile_at": PROFILE_FIELDS,
        "status_at": STATUS_FIELDS,
        "capacity_at": CAPACITY_FIELDS,
    }
    values = {k: data[k] for fields in groups.values() for k in fields}
    _upsert_therapist(
        session,
        event.therapist_id,
        {**values, "has_profile": True},
        {**{stamp: at for stamp in groups}},
        groups,
    )


def apply_therapist_part(
    session: Session, therapist_id: int, stamp: str, values: dict[str, Any], at: datetime
) -> None:
    """A partial change (status or capacity) if newer than the stored part."""
    _upsert_therapist(session, therapist_id, values, {stamp: at}, {stamp: tuple(values)})


def _upsert_therapist(
    session: Session,
    therapist_id: int,
    values: dict[str, Any],
    stamps: dict[str, datetime],
    groups: dict[str, tuple[str, ...]],
) -> None:
    t = m.therapists
    stmt = insert(t).values(therapist_id=therapist_id, updated_at=func.now(), **values, **stamps)
    newer = {
        stamp: func.coalesce(t.c[stamp], stmt.excluded[stamp]) <= stmt.excluded[stamp]
        for stamp in groups
    }
    set_: dict[str, Any] = {"updated_at": func.now()}
    for stamp, fields in groups.items():
        for name in (*fields, stamp):
            set_[name] = case((newer[stamp], stmt.excluded[name]), else_=t.c[name])
    if "has_profile" in values:
        set_["has_profile"] = t.c.has_profile | stmt.excluded.has_profile
    session.execute(stmt.on_conflict_do_update(index_elements=[t.c.therapist_id], set_=set_))
