"""The patient read model: profiles from patient events (an older event never overwrites a
newer one), placements, erasure tombstones, and the patient figures of the statistics."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Float, and_, cast, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from matching_service import models
from matching_service.domain.index_columns import KM_PER_DEG
from shared.events.patient import _PatientEvent

PATIENTS = models.patients
EXCLUSIONS = models.exclusions
PATIENT_COLUMNS = (
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
NEVER_STALE = datetime(9999, 1, 1, tzinfo=UTC)
TOMBSTONE: dict[str, Any] = {  # an erased patient: its far-future profile_at makes events stale
    "status": "cancelled",
    "age": None,
    "gender": "unspecified",
    "postal_code": None,
    "latitude": None,
    "longitude": None,
    "location_status": "failed",
    "insurance_type": "self_pay",
    "preferences": {},
    "availability": {},
    "exclusions": [],
    "complaint_groups": [],
    "urgent": False,
    "search_started_at": None,
    "profile_at": NEVER_STALE,
}


def _searching() -> Any:
    return and_(PATIENTS.c.status == "searching", PATIENTS.c.placed_request_id.is_(None))


def searching_ids() -> Any:
    """All searching, not yet placed patients as a scalar subquery."""
    return select(PATIENTS.c.patient_id).where(_searching()).scalar_subquery()


class PatientStore:
    """The `patients` read model inside the unit of work's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def apply_profile(self, event: _PatientEvent, at: datetime, now: datetime) -> bool:
        """Store the patient's profile unless a newer one is stored; True when applied."""
        data = event.model_dump(mode="json", exclude={"patient_id", "location_precision"})
        values = {
            "patient_id": event.patient_id,
            **{name: data[name] for name in PATIENT_COLUMNS},
            "search_started_at": event.search_started_at,
            "profile_at": at,
            "updated_at": now,
        }
        stmt = insert(PATIENTS).values(values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[PATIENTS.c.patient_id],
            set_={name: stmt.excluded[name] for name in values if name != "patient_id"},
            where=PATIENTS.c.profile_at <= stmt.excluded.profile_at,
        )
        return self.session.execute(stmt.returning(PATIENTS.c.patient_id)).first() is not None

    def status(self, patient_id: int) -> str | None:
        """The stored status (None: matching does not know the patient)."""
        query = select(PATIENTS.c.status).where(PATIENTS.c.patient_id == patient_id)
        return self.session.execute(query).scalar()

    def get(self, patient_id: int, lock: bool = False) -> Any:
        """The stored patient (None when unknown), locked for this transaction if asked."""
        query = select(PATIENTS).where(PATIENTS.c.patient_id == patient_id)
        if lock:
            query = query.with_for_update()
        return self.session.execute(query).mappings().first()

    def searching(self, patient_ids: Iterable[int] | None) -> list[Any]:
        """Rows of searching, not yet placed patients (all, or these ids)."""
        query = select(PATIENTS).where(_searching())
        if patient_ids is not None:
            query = query.where(PATIENTS.c.patient_id.in_(list(patient_ids)))
        return list(self.session.execute(query).mappings())

    def of_ids(self, patient_ids: Iterable[int]) -> list[Any]:
        """Rows of these patients (the ones matching knows)."""
        query = select(PATIENTS).where(PATIENTS.c.patient_id.in_(list(patient_ids)))
        return list(self.session.execute(query.order_by(PATIENTS.c.patient_id)).mappings())

    def in_reach(self, latitude: float, longitude: float, default_radius_km: float) -> list[int]:
        """Searching, unplaced patients whose radius box (a superset of the circle) holds
        this place."""
        radius = func.coalesce(
            cast(PATIENTS.c.preferences["max_distance_km"].astext, Float), default_radius_km
        )
        # Longitude degrees shrink northwards: use the width 1.5° further from the equator.
        cos_lat = max(0.01, math.cos(math.radians(min(89.0, abs(latitude) + 1.5))))
        query = select(PATIENTS.c.patient_id).where(
            _searching(),
            func.abs(PATIENTS.c.latitude - latitude) * KM_PER_DEG <= radius,
            func.abs(PATIENTS.c.longitude - longitude) * KM_PER_DEG * cos_lat <= radius,
        )
        return list(self.session.execute(query).scalars())

    def place(self, patient_id: int, request_id: int, therapist_id: int, now: datetime) -> None:
        """The patient has a place through this request."""
        self.session.execute(
            update(PATIENTS)
            .where(PATIENTS.c.patient_id == patient_id)
            .values(
                status="placed",
                placed_request_id=request_id,
                placed_therapist_id=therapist_id,
                placed_at=now,
            )
        )

    def take_back_placement(self, patient_id: int, request_id: int, status: str) -> bool:
        """Undo `place` for this request (the patient service refused it); False when the
        patient is not placed through it."""
        result = self.session.execute(
            update(PATIENTS)
            .where(PATIENTS.c.patient_id == patient_id, PATIENTS.c.placed_request_id == request_id)
            .values(status=status, placed_request_id=None, placed_therapist_id=None, placed_at=None)
            .returning(PATIENTS.c.patient_id)
        )
        return result.first() is not None

    def forget_placement_before(self, patient_id: int, at: datetime) -> bool:
        """The patient service says `searching` at `at`: a placement recorded here before that
        time did not last (refused, or undone by staff); True when one was forgotten."""
        result = self.session.execute(
            update(PATIENTS)
            .where(
                PATIENTS.c.patient_id == patient_id,
                PATIENTS.c.placed_request_id.is_not(None),
                PATIENTS.c.placed_at < at,
            )
            .values(placed_request_id=None, placed_therapist_id=None, placed_at=None)
            .returning(PATIENTS.c.patient_id)
        )
        return result.first() is not None

    def tombstone(self, patient_id: int, now: datetime) -> int:
        """Overwrite (or create) the profile row as a tombstone; placement columns stay."""
        values = {**TOMBSTONE, "updated_at": now}
        stmt = insert(PATIENTS).values(patient_id=patient_id, **values)
        result = self.session.execute(
            stmt.on_conflict_do_update(index_elements=[PATIENTS.c.patient_id], set_=values)
        )
        return int(result.rowcount or 0)

    def searching_count(self) -> int:
        query = select(func.count()).select_from(PATIENTS).where(_searching())
        return int(self.session.execute(query).scalar_one())

    def placement_waits(self) -> list[tuple[datetime, datetime]]:
        """(placed_at, search_started_at) of every placed patient whose search start is known."""
        query = select(PATIENTS.c.placed_at, PATIENTS.c.search_started_at).where(
            PATIENTS.c.placed_request_id.is_not(None), PATIENTS.c.search_started_at.is_not(None)
        )
        return [(placed, started) for placed, started in self.session.execute(query).all()]

    def placed_without_start(self) -> int:
        """Placed patients whose search start is unknown."""
        query = (
            select(func.count())
            .select_from(PATIENTS)
            .where(
                PATIENTS.c.placed_request_id.is_not(None), PATIENTS.c.search_started_at.is_(None)
            )
        )
        return int(self.session.execute(query).scalar_one())


class ExclusionStore:
    """Therapists never to be proposed to a patient again (`exclusions`)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, patient_id: int, therapist_id: int, reason: str, now: datetime) -> None:
        self.session.execute(
            insert(EXCLUSIONS)
            .values(patient_id=patient_id, therapist_id=therapist_id, reason=reason, created_at=now)
            .on_conflict_do_nothing()
        )

    def by_patient(self, patient_ids: list[int] | None) -> dict[int, set[int]]:
        """Excluded therapists of these patients (None: of every searching patient)."""
        chosen: Any = searching_ids() if patient_ids is None else patient_ids
        query = select(EXCLUSIONS.c.patient_id, EXCLUSIONS.c.therapist_id).where(
            EXCLUSIONS.c.patient_id.in_(chosen)
        )
        found: dict[int, set[int]] = {}
        for row in self.session.execute(query):
            found.setdefault(row.patient_id, set()).add(row.therapist_id)
        return found

    def of_patient(self, patient_id: int) -> list[int]:
        query = select(EXCLUSIONS.c.therapist_id).where(EXCLUSIONS.c.patient_id == patient_id)
        return list(self.session.execute(query).scalars())

    def delete_for_patient(self, patient_id: int) -> int:
        result = self.session.execute(
            delete(EXCLUSIONS).where(EXCLUSIONS.c.patient_id == patient_id)
        )
        return int(result.rowcount or 0)
