"""The therapist read model: each part (profile, status, capacity) stored only if newer than
the stored part; answer counters, cooling periods, and the candidate index read from it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, false, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from matching_service import models
from matching_service.domain import profiles as domain
from matching_service.domain.criteria import max_distance
from matching_service.domain.index import KM_PER_DEG, TherapistIndex
from matching_service.domain.profiles import MatchContext, PatientProfile
from matching_service.store.profiles import therapist_profile
from matching_service.store.therapist_cache import TherapistCache
from shared.events.therapist import TherapistProfile

THERAPISTS = models.therapists
COOLING = models.cooling_periods
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


class TherapistStore:
    """The `therapists` read model and `cooling_periods` inside the unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, therapist_id: int) -> Any:
        """The stored therapist (or None)."""
        query = select(THERAPISTS).where(THERAPISTS.c.therapist_id == therapist_id)
        return self.session.execute(query).mappings().first()

    def apply_profile(self, event: TherapistProfile, at: datetime, now: datetime) -> None:
        """A full profile: each part only if newer than the stored part."""
        data = event.model_dump(mode="json")
        data["capacity_as_of"] = event.capacity_as_of
        groups = {
            "profile_at": PROFILE_FIELDS,
            "status_at": STATUS_FIELDS,
            "capacity_at": CAPACITY_FIELDS,
        }
        values = {name: data[name] for fields in groups.values() for name in fields}
        self._upsert(
            event.therapist_id,
            {**values, "has_profile": True},
            dict.fromkeys(groups, at),
            groups,
            now,
        )

    def apply_part(
        self, therapist_id: int, stamp: str, values: dict[str, Any], at: datetime, now: datetime
    ) -> None:
        """A partial change (status or capacity) if newer than the stored part."""
        self._upsert(therapist_id, values, {stamp: at}, {stamp: tuple(values)}, now)

    def _upsert(
        self,
        therapist_id: int,
        values: dict[str, Any],
        stamps: dict[str, datetime],
        groups: dict[str, tuple[str, ...]],
        now: datetime,
    ) -> None:
        table = THERAPISTS
        stmt = insert(table).values(therapist_id=therapist_id, updated_at=now, **values, **stamps)
        newer = {
            stamp: func.coalesce(table.c[stamp], stmt.excluded[stamp]) <= stmt.excluded[stamp]
            for stamp in groups
        }
        changes: dict[str, Any] = {"updated_at": now}
        for stamp, fields in groups.items():
            for name in (*fields, stamp):
                changes[name] = case((newer[stamp], stmt.excluded[name]), else_=table.c[name])
        if "has_profile" in values:
            changes["has_profile"] = table.c.has_profile | stmt.excluded.has_profile
        self.session.execute(
            stmt.on_conflict_do_update(index_elements=[table.c.therapist_id], set_=changes)
        )

    def count_answer(self, therapist_id: int) -> None:
        self.session.execute(
            update(THERAPISTS)
            .where(THERAPISTS.c.therapist_id == therapist_id)
            .values(requests_answered=THERAPISTS.c.requests_answered + 1)
        )

    def count_contact(self, therapist_id: int) -> None:
        self.session.execute(
            update(THERAPISTS)
            .where(THERAPISTS.c.therapist_id == therapist_id)
            .values(requests_contacted=THERAPISTS.c.requests_contacted + 1)
        )

    def start_cooling(
        self,
        therapist_id: int,
        response_id: int,
        answered_at: datetime,
        ends_at: datetime,
        now: datetime,
    ) -> bool:
        """Record a cooling period once per response and extend the therapist's cooling_until;
        False when this response started one already."""
        inserted = self.session.execute(
            insert(COOLING)
            .values(
                therapist_id=therapist_id,
                response_id=response_id,
                starts_at=answered_at,
                ends_at=ends_at,
            )
            .on_conflict_do_nothing()
            .returning(COOLING.c.id)
        ).first()
        if inserted is None:
            return False
        stmt = insert(THERAPISTS).values(
            therapist_id=therapist_id, cooling_until=ends_at, updated_at=now
        )
        latest = func.greatest(func.coalesce(THERAPISTS.c.cooling_until, ends_at), ends_at)
        self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[THERAPISTS.c.therapist_id],
                set_={"cooling_until": latest, "updated_at": now},
            )
        )
        return True

    def lift_cooling(self, therapist_id: int, now: datetime, by: str, reason: str) -> int:
        """Staff lift every cooling period running at `now`; the therapist may be contacted
        again (cooling_until cleared). Returns how many periods were lifted."""
        lifted = self.session.execute(
            update(COOLING)
            .where(
                COOLING.c.therapist_id == therapist_id,
                COOLING.c.lifted_at.is_(None),
                COOLING.c.ends_at > now,
            )
            .values(lifted_at=now, lifted_by=by, lift_reason=reason)
            .returning(COOLING.c.id)
        ).all()
        if lifted:
            self.session.execute(
                update(THERAPISTS)
                .where(THERAPISTS.c.therapist_id == therapist_id)
                .values(cooling_until=None, updated_at=now)
            )
        return len(lifted)

    def index(
        self, ctx: MatchContext, near: Sequence[PatientProfile] | None = None
    ) -> TherapistIndex:
        """Index of contactable therapists (all, or within reach of the given patients)."""
        return TherapistIndex(self.contactable(ctx, near))

    def contactable(
        self, ctx: MatchContext, near: Sequence[PatientProfile] | None = None
    ) -> list[domain.TherapistProfile]:
        """Profiles of contactable therapists (all, or within reach of the given patients)."""
        query = select(THERAPISTS).where(
            THERAPISTS.c.has_profile,
            THERAPISTS.c.status == "active",
            THERAPISTS.c.opted_out.is_(False),
            THERAPISTS.c.latitude.is_not(None),
            THERAPISTS.c.longitude.is_not(None),
        )
        if near is not None:
            query = query.where(_within_boxes(near, ctx))
        rows = self.session.execute(query).mappings()
        return [therapist_profile(row) for row in rows]

    def cached_index(self, cache: TherapistCache) -> TherapistIndex:
        """The process's cached index, brought up to what this transaction can see."""
        with cache.lock:
            return cache.refresh(self.session)


def _within_boxes(patients: Sequence[PatientProfile], ctx: MatchContext) -> Any:
    boxes = []
    for patient in patients:
        if patient.latitude is None or patient.longitude is None:
            continue
        dlat = max_distance(patient, ctx) / KM_PER_DEG
        widest = min(89.0, abs(patient.latitude) + dlat)
        dlon = dlat / max(0.01, math.cos(math.radians(widest)))
        boxes.append(
            and_(
                THERAPISTS.c.latitude.between(patient.latitude - dlat, patient.latitude + dlat),
                THERAPISTS.c.longitude.between(patient.longitude - dlon, patient.longitude + dlon),
            )
        )
    return or_(*boxes) if boxes else false()
