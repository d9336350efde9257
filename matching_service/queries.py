"""Read-only questions staff ask: requests, ranked candidates, "why not?", statistics."""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matching_service import matching, readmodels
from matching_service import models as m
from matching_service.domain.criteria import distance_km, evaluate
from matching_service.domain.ranking import score
from matching_service.domain.states import OPEN, TERMINAL
from matching_service.profiles import match_context, patient_profile, therapist_profile
from matching_service.selection import picks_for
from shared.http.app_factory import ServiceContext

REQUEST_FIELDS = (
    "id",
    "patient_id",
    "therapist_id",
    "status",
    "score",
    "score_parts",
    "distance_km",
    "criteria",
    "run_id",
    "therapist_unavailable",
    "close_reason",
    "created_at",
    "updated_at",
    "contacted_at",
    "follow_up_at",
    "closed_at",
)


def request_body(row: Any) -> dict[str, Any]:
    """A request as the API shows it."""
    body = {k: row[k] for k in REQUEST_FIELDS}
    for k in ("created_at", "updated_at", "contacted_at", "follow_up_at", "closed_at"):
        body[k] = body[k].isoformat() if body[k] else None
    return body


def list_requests(
    session: Session, filters: dict[str, Any], offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """A page of requests (newest first) and the total for these filters."""
    r = m.placement_requests
    conditions = [r.c[k] == v for k, v in filters.items() if v is not None]
    total = session.execute(select(func.count()).select_from(r).where(*conditions)).scalar_one()
    rows = session.execute(
        select(r).where(*conditions).order_by(r.c.id.desc()).offset(offset).limit(limit)
    ).mappings()
    return [request_body(row) for row in rows], int(total)


def get_request(session: Session, request_id: int) -> dict[str, Any] | None:
    """One request, or None."""
    r = m.placement_requests
    row = session.execute(select(r).where(r.c.id == request_id)).mappings().first()
    return request_body(row) if row else None


def _patient(session: Session, patient_id: int) -> Any:
    p = m.patients
    row = session.execute(select(p).where(p.c.patient_id == patient_id)).mappings().first()
    if row is None:
        return None
    r, e = m.placement_requests, m.exclusions
    asked = session.execute(select(r.c.therapist_id).where(r.c.patient_id == patient_id))
    excluded = session.execute(select(e.c.therapist_id).where(e.c.patient_id == patient_id))
    return patient_profile(row, excluded.scalars(), asked.scalars())


def candidates(
    session: Session, ctx: ServiceContext, patient_id: int, limit: int, now: datetime
) -> list[dict[str, Any]] | None:
    """The next best candidates with their score parts (None: patient unknown)."""
    patient = _patient(session, patient_id)
    if patient is None:
        return None
    mctx = match_context(ctx.extra["rules"], now)
    index = matching.load_therapist_index(session, mctx, [patient])
    picks = picks_for(patient, index, mctx, limit)
    return [
        {
            "therapist_id": pk.therapist_id,
            "score": pk.parts.total,
            "distance_km": pk.distance_km,
            "score_parts": _parts(pk.parts),
        }
        for pk in picks
    ]


def _parts(parts: Any) -> dict[str, float]:
    return {
        "distance": round(parts.distance, 4),
        "capacity": parts.capacity,
        "response_rate": round(parts.response_rate, 4),
        "availability": round(parts.availability, 4),
    }


def explain(
    session: Session, ctx: ServiceContext, patient_id: int, therapist_id: int, now: datetime
) -> dict[str, Any] | str:
    """Each criterion for one pair, held or not and why (or which side is unknown)."""
    patient = _patient(session, patient_id)
    row = readmodels.therapist_row(session, therapist_id)
    if patient is None or row is None:
        return "patient" if patient is None else "therapist"
    therapist, mctx = therapist_profile(row), match_context(ctx.extra["rules"], now)
    checks = evaluate(patient, therapist, mctx)
    km, matches = distance_km(patient, therapist), all(c.held for c in checks)
    parts = score(patient, therapist, mctx, km) if matches and km is not None else None
    return {
        "patient_id": patient_id,
        "therapist_id": therapist_id,
        "matches": matches,
        "distance_km": round(km, 3) if km is not None else None,
        "criteria": [{"name": c.name, "held": c.held, "reason": c.reason} for c in checks],
        "score": parts.total if parts else None,
        "score_parts": _parts(parts) if parts else None,
    }


def statistics_body(session: Session) -> dict[str, Any]:
    """Searching patients, requests by state, placements, median days, answer rates."""
    p, r = m.patients, m.placement_requests
    searching = session.execute(
        select(func.count())
        .select_from(p)
        .where(p.c.status == "searching", p.c.placed_request_id.is_(None))
    ).scalar_one()
    by_state = dict(session.execute(select(r.c.status, func.count()).group_by(r.c.status)).all())
    waits = session.execute(
        select(p.c.placed_at, p.c.search_started_at).where(
            p.c.placed_request_id.is_not(None), p.c.search_started_at.is_not(None)
        )
    ).all()
    days = [(placed - started).total_seconds() / 86400 for placed, started in waits]
    return {
        "searching_patients": int(searching),
        "open_requests_by_status": {s.value: int(by_state.get(s.value, 0)) for s in OPEN},
        "closed_requests_by_status": {s.value: int(by_state.get(s.value, 0)) for s in TERMINAL},
        "placements": len(waits) + _placed_without_start(session),
        "median_days_to_placement": round(statistics.median(days), 2) if days else None,
        "answer_rates": _answer_rates(by_state),
    }


def _placed_without_start(session: Session) -> int:
    p = m.patients
    return int(
        session.execute(
            select(func.count())
            .select_from(p)
            .where(p.c.placed_request_id.is_not(None), p.c.search_started_at.is_(None))
        ).scalar_one()
    )


def _answer_rates(by_state: dict[str, int]) -> dict[str, float | None]:
    answered = by_state.get("accepted", 0) + by_state.get("rejected", 0)
    unanswered = by_state.get("expired", 0) + by_state.get("no_response", 0)
    decided = answered + unanswered
    return {
        "answered": round(answered / decided, 4) if decided else None,
        "accepted": round(by_state.get("accepted", 0) / answered, 4) if answered else None,
    }
