"""What matching does after a read model changed (used by handlers inside their transaction)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from sqlalchemy import Float, and_, cast, func, select
from sqlalchemy.orm import Session

from matching_service import lifecycle, matching, readmodels
from matching_service import models as m
from matching_service.index import KM_PER_DEG
from shared.http.app_factory import ServiceContext

CANCEL_REASONS = {
    "paused": "patient_paused",
    "cancelled": "patient_cancelled",
    "placed": "patient_placed",
    "in_therapy": "patient_placed",
    "completed": "patient_placed",
    "registered": "patient_not_searching",
}


def after_patient_change(
    session: Session, ctx: ServiceContext, patient_id: int, trigger: str, now: datetime
) -> None:
    """Searching → top up the open requests; anything else → cancel them."""
    p = m.patients
    status = session.execute(select(p.c.status).where(p.c.patient_id == patient_id)).scalar()
    if status == "searching":
        matching.fill_patients(session, ctx, now, trigger, [patient_id])
    elif status is not None:
        reason = CANCEL_REASONS.get(status, "patient_not_searching")
        lifecycle.cancel_for_patient(session, ctx, patient_id, reason, now)


def after_therapist_change(
    session: Session, ctx: ServiceContext, therapist_id: int, trigger: str, now: datetime
) -> None:
    """Unavailable → cancel or mark its requests and refill; available → re-match nearby."""
    row = readmodels.therapist_row(session, therapist_id)
    if row is None or not row["has_profile"]:
        return
    reason = unavailable_reason(row)
    if reason is not None:
        affected = lifecycle.therapist_unavailable(session, ctx, therapist_id, reason, now)
        refill(session, ctx, affected, trigger, now)
        return
    refill(session, ctx, patients_in_reach(session, ctx, row), trigger, now)


def unavailable_reason(row: Any) -> str | None:
    """Why a therapist may not be contacted (None when active and reachable)."""
    if row["status"] == "blocked":
        return "therapist_blocked"
    if row["status"] != "active":
        return "therapist_deactivated"
    return "therapist_opted_out" if row["opted_out"] else None


def refill(
    session: Session, ctx: ServiceContext, patient_ids: list[int], trigger: str, now: datetime
) -> None:
    """Top up these patients (only the searching ones are touched)."""
    if patient_ids:
        matching.fill_patients(session, ctx, now, trigger, patient_ids)


def patients_in_reach(session: Session, ctx: ServiceContext, therapist: Any) -> list[int]:
    """Searching, unplaced patients whose radius box (a superset of the circle) holds it."""
    lat, lon = therapist["latitude"], therapist["longitude"]
    if lat is None or lon is None:
        return []
    p = m.patients
    radius = func.coalesce(
        cast(p.c.preferences["max_distance_km"].astext, Float),
        ctx.extra["rules"].default_max_distance_km,
    )
    # Longitude degrees shrink northwards: use the width 1.5° further from the equator.
    cos_lat = max(0.01, math.cos(math.radians(min(89.0, abs(lat) + 1.5))))
    query = select(p.c.patient_id).where(
        p.c.status == "searching",
        p.c.placed_request_id.is_(None),
        and_(
            func.abs(p.c.latitude - lat) * KM_PER_DEG <= radius,
            func.abs(p.c.longitude - lon) * KM_PER_DEG * cos_lat <= radius,
        ),
    )
    return list(session.execute(query).scalars())
