"""Placement request transitions; every change writes its event (terminal states never change)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from matching_service import models as m
from matching_service import publishing
from matching_service.domain.states import (
    NOT_CONTACTED,
    OPEN,
    RequestStatus,
    after_contact_event,
    close,
)
from shared.http.app_factory import ServiceContext

S = RequestStatus
EXPIRING = (S.EXPIRED, S.NO_RESPONSE)


def locked_requests(session: Session, *conditions: Any) -> list[Any]:
    """Requests matching the conditions, locked for this transaction, oldest first."""
    r = m.placement_requests
    query = select(r).where(*conditions).order_by(r.c.id).with_for_update()
    return list(session.execute(query).mappings())


def set_status(
    session: Session,
    ctx: ServiceContext,
    request: Any,
    status: RequestStatus,
    reason: str | None,
    now: datetime,
) -> None:
    """Move one request and write the matching event."""
    r = m.placement_requests
    values: dict[str, Any] = {"status": status.value, "updated_at": now}
    if status not in OPEN:
        values.update(closed_at=now, close_reason=reason)
    session.execute(update(r).where(r.c.id == request["id"]).values(**values))
    if status == S.CANCELLED:
        publishing.request_cancelled(session, ctx, request, reason or "cancelled", now)
    elif status in EXPIRING:
        publishing.request_expired(session, ctx, request, status.value, now)
    else:
        publishing.status_changed(session, ctx, request, status.value, reason, now)


def cancel_open(
    session: Session,
    ctx: ServiceContext,
    reason: str,
    now: datetime,
    *conditions: Any,
    statuses: Iterable[str] = OPEN,
) -> list[Any]:
    """Cancel the open requests that match the conditions; return them."""
    r = m.placement_requests
    rows = locked_requests(session, r.c.status.in_(list(statuses)), *conditions)
    for row in rows:
        set_status(session, ctx, row, S.CANCELLED, reason, now)
    return rows


def cancel_for_patient(
    session: Session, ctx: ServiceContext, patient_id: int, reason: str, now: datetime
) -> int:
    """Cancel every open request of a patient."""
    return len(
        cancel_open(session, ctx, reason, now, m.placement_requests.c.patient_id == patient_id)
    )


def therapist_unavailable(
    session: Session, ctx: ServiceContext, therapist_id: int, reason: str, now: datetime
) -> list[int]:
    """Cancel requests not yet contacted; mark the contacted ones. Return affected patients."""
    r = m.placement_requests
    cancelled = cancel_open(
        session, ctx, reason, now, r.c.therapist_id == therapist_id, statuses=NOT_CONTACTED
    )
    session.execute(
        update(r)
        .where(r.c.therapist_id == therapist_id, r.c.status.in_(OPEN))
        .values(therapist_unavailable=True, updated_at=now)
    )
    return sorted({row["patient_id"] for row in cancelled})


def apply_contact(
    session: Session,
    ctx: ServiceContext,
    kind: str,
    therapist_id: int,
    request_ids: list[int],
    at: datetime,
    now: datetime,
) -> None:
    """email_sent / call_scheduled / call_completed for some requests of one therapist."""
    r = m.placement_requests
    for row in locked_requests(session, r.c.id.in_(request_ids), r.c.therapist_id == therapist_id):
        target = after_contact_event(row["status"], kind)
        if target is None:
            continue
        set_status(session, ctx, row, target, kind, now)
        _stamp_contact(session, row, target, at)


def _stamp_contact(session: Session, row: Any, target: RequestStatus, at: datetime) -> None:
    r, t = m.placement_requests, m.therapists
    if target == S.FOLLOW_UP_SCHEDULED:
        session.execute(update(r).where(r.c.id == row["id"]).values(follow_up_at=at))
    if target == S.CONTACTED and row["contacted_at"] is None:
        session.execute(update(r).where(r.c.id == row["id"]).values(contacted_at=at))
        session.execute(
            update(t)
            .where(t.c.therapist_id == row["therapist_id"])
            .values(requests_contacted=t.c.requests_contacted + 1)
        )


def mark_no_response(
    session: Session, ctx: ServiceContext, therapist_id: int, request_ids: list[int], now: datetime
) -> list[int]:
    """The last call attempt failed: its open requests end as no_response."""
    r = m.placement_requests
    rows = locked_requests(
        session, r.c.id.in_(request_ids), r.c.therapist_id == therapist_id, r.c.status.in_(OPEN)
    )
    for row in rows:
        set_status(session, ctx, row, S.NO_RESPONSE, "call_attempts_exhausted", now)
    return sorted({row["patient_id"] for row in rows})


def expire_due(
    session: Session, ctx: ServiceContext, now: datetime, expiry_days: int, limit: int = 5000
) -> list[int]:
    """Expire open requests first contacted `expiry_days` ago or earlier; return patients."""
    r = m.placement_requests
    due = now - timedelta(days=expiry_days)
    query = (
        select(r)
        .where(r.c.status.in_(OPEN), r.c.contacted_at <= due)
        .order_by(r.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list(session.execute(query).mappings())
    for row in rows:
        if close(row["status"], S.EXPIRED):
            set_status(session, ctx, row, S.EXPIRED, "no_answer", now)
    return sorted({row["patient_id"] for row in rows})


def start_cooling(
    session: Session,
    ctx: ServiceContext,
    therapist_id: int,
    response_id: int,
    answered_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> bool:
    """Record a cooling period once per response; extend the therapist's cooling_until."""
    c, t = m.cooling_periods, m.therapists
    inserted = session.execute(
        insert(c)
        .values(
            therapist_id=therapist_id,
            response_id=response_id,
            starts_at=answered_at,
            ends_at=ends_at,
        )
        .on_conflict_do_nothing()
        .returning(c.c.id)
    ).first()
    if inserted is None:
        return False
    stmt = insert(t).values(therapist_id=therapist_id, cooling_until=ends_at, updated_at=now)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[t.c.therapist_id],
            set_={
                "cooling_until": func.greatest(func.coalesce(t.c.cooling_until, ends_at), ends_at),
                "updated_at": func.now(),
            },
        )
    )
    publishing.cooling_started(session, ctx, therapist_id, response_id, answered_at, ends_at, now)
    return True


def exclude(
    session: Session, patient_id: int, therapist_id: int, reason: str, now: datetime
) -> None:
    """Never propose this therapist to this patient again."""
    e = m.exclusions
    session.execute(
        insert(e)
        .values(patient_id=patient_id, therapist_id=therapist_id, reason=reason, created_at=now)
        .on_conflict_do_nothing()
    )
