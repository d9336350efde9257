"""A therapist's recorded answer: placement (first acceptance wins), rejection, cooling."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matching_service import lifecycle, publishing, readmodels
from matching_service import models as m
from matching_service.domain.states import cooling_until, decide_response
from shared.events.communication import ResponseOutcomeItem, TherapistResponseRecorded
from shared.http.app_factory import ServiceContext


def apply_response(
    session: Session, ctx: ServiceContext, event: TherapistResponseRecorded, now: datetime
) -> list[int]:
    """Apply every outcome, start the cooling period; return the patients to refill."""
    touched = [_apply_outcome(session, ctx, event, item, now) for item in event.outcomes]
    days = ctx.extra["rules"].cooling_period_days
    lifecycle.start_cooling(
        session,
        ctx,
        event.therapist_id,
        event.response_id,
        event.recorded_at,
        cooling_until(event.recorded_at, days),
        now,
    )
    return sorted({pid for pid in touched if pid is not None})


def _apply_outcome(
    session: Session,
    ctx: ServiceContext,
    event: TherapistResponseRecorded,
    item: ResponseOutcomeItem,
    now: datetime,
) -> int | None:
    patient = _locked_patient(session, item.patient_id)
    request = _request(session, item, event.therapist_id)
    placed = patient is not None and patient["placed_request_id"] is not None
    decision = decide_response(
        item.outcome.value, request["status"] if request else "unknown", placed
    )
    if decision.exclude_therapist:
        lifecycle.exclude(session, item.patient_id, event.therapist_id, item.outcome.value, now)
    if decision.capacity_no:
        readmodels.apply_therapist_part(
            session,
            event.therapist_id,
            "capacity_at",
            {"accepting_new_patients": "no", "capacity_as_of": event.recorded_at.date()},
            event.recorded_at,
        )
    if request is None or decision.new_status is None:
        return item.patient_id
    lifecycle.set_status(session, ctx, request, decision.new_status, decision.reason, now)
    _count_answer(session, event.therapist_id)
    if decision.place_patient:
        _place(session, ctx, request, now)
    return item.patient_id


def _locked_patient(session: Session, patient_id: int) -> Any:
    p = m.patients
    query = select(p).where(p.c.patient_id == patient_id).with_for_update()
    return session.execute(query).mappings().first()


def _request(session: Session, item: ResponseOutcomeItem, therapist_id: int) -> Any:
    r = m.placement_requests
    rows = lifecycle.locked_requests(
        session,
        r.c.id == item.placement_request_id,
        r.c.patient_id == item.patient_id,
        r.c.therapist_id == therapist_id,
    )
    return rows[0] if rows else None


def _count_answer(session: Session, therapist_id: int) -> None:
    t = m.therapists
    session.execute(
        update(t)
        .where(t.c.therapist_id == therapist_id)
        .values(requests_answered=t.c.requests_answered + 1)
    )


def _place(session: Session, ctx: ServiceContext, request: Any, now: datetime) -> None:
    """The patient has a place: record it, cancel the other open requests, confirm."""
    p, r = m.patients, m.placement_requests
    session.execute(
        update(p)
        .where(p.c.patient_id == request["patient_id"])
        .values(
            status="placed",
            placed_request_id=request["id"],
            placed_therapist_id=request["therapist_id"],
            placed_at=now,
        )
    )
    lifecycle.cancel_open(
        session,
        ctx,
        "patient_placed",
        now,
        r.c.patient_id == request["patient_id"],
        r.c.id != request["id"],
    )
    publishing.placement_confirmed(session, ctx, request, now)
