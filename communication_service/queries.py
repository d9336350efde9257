"""Read side: e-mail lists and details, a therapist's contact history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from communication_service import models as m
from communication_service.withdrawals import carried_ids

LIST_COLUMNS = (
    "id",
    "purpose",
    "template",
    "recipient",
    "therapist_id",
    "patient_id",
    "state",
    "subject",
    "message_id",
    "attempts",
    "next_attempt_at",
    "last_error",
    "delivery_confirmed",
    "created_at",
    "queued_at",
    "sent_at",
    "failed_at",
    "cancelled_at",
)


def email_row(session: Session, email_id: int, lock: bool = False) -> Any:
    """One e-mail row, or None."""
    query = select(m.emails).where(m.emails.c.id == email_id)
    if lock:
        query = query.with_for_update()
    return session.execute(query).mappings().first()


def email_detail(session: Session, email_id: int) -> dict[str, Any] | None:
    """The e-mail with rendered bodies and the ids of the requests it carries."""
    row = email_row(session, email_id)
    if row is None:
        return None
    return {
        **{c: row[c] for c in LIST_COLUMNS},
        "to_address": row["to_address"],
        "body_text": row["body_text"],
        "body_html": row["body_html"],
        "placement_request_ids": carried_ids(session, email_id),
    }


def list_emails(
    session: Session, filters: dict[str, Any], offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """Filter by therapist, patient (own or carried requests) and state; newest first."""
    e = m.emails
    conditions = []
    if filters.get("therapist_id") is not None:
        conditions.append(e.c.therapist_id == filters["therapist_id"])
    if filters.get("status") is not None:
        conditions.append(e.c.state == filters["status"])
    if filters.get("patient_id") is not None:
        patient_id = filters["patient_id"]
        conditions.append((e.c.patient_id == patient_id) | e.c.id.in_(_carrying(patient_id)))
    total = session.execute(select(func.count()).select_from(e).where(*conditions)).scalar_one()
    rows = session.execute(
        select(*[e.c[c] for c in LIST_COLUMNS])
        .where(*conditions)
        .order_by(e.c.id.desc())
        .offset(offset)
        .limit(limit)
    ).mappings()
    return [dict(row) for row in rows], int(total)


def _carrying(patient_id: int) -> Any:
    er, r = m.email_requests, m.outreach_requests
    return (
        select(er.c.email_id)
        .join(r, r.c.placement_request_id == er.c.placement_request_id)
        .where(r.c.patient_id == patient_id)
    )


def practice_of(session: Session, therapist_id: int) -> int | None:
    """The therapist's practice from the read model."""
    t = m.therapists
    return session.execute(select(t.c.practice_id).where(t.c.therapist_id == therapist_id)).scalar()


def contact_history(session: Session, therapist_id: int, now: datetime) -> dict[str, Any]:
    """Ledger entries (newest first), answers and cooling periods of one therapist."""
    c, r, cp = m.contact_ledger, m.responses, m.cooling_periods
    ledger = session.execute(
        select(c).where(c.c.therapist_id == therapist_id).order_by(c.c.id.desc()).limit(500)
    ).mappings()
    answers = session.execute(
        select(r).where(r.c.therapist_id == therapist_id).order_by(r.c.id.desc()).limit(200)
    ).mappings()
    cooling = list(
        session.execute(
            select(cp).where(cp.c.therapist_id == therapist_id).order_by(cp.c.id.desc())
        ).mappings()
    )
    active = [
        row
        for row in cooling
        if row["lifted_at"] is None and row["starts_at"] <= now < row["ends_at"]
    ]
    return {
        "therapist_id": therapist_id,
        "contacts": [_contact(row) for row in ledger],
        "responses": [dict(row) for row in answers],
        "cooling_periods": [_cooling(row) for row in cooling],
        "cooling_until": max((row["ends_at"] for row in active), default=None),
    }


def _contact(row: Any) -> dict[str, Any]:
    keys = (
        "id",
        "channel",
        "kind",
        "email_id",
        "call_id",
        "response_id",
        "practice_id",
        "blocks_from",
        "blocks_until",
        "occurred_at",
        "voided_at",
        "created_at",
    )
    return {k: row[k] for k in keys}


def _cooling(row: Any) -> dict[str, Any]:
    keys = ("id", "response_id", "starts_at", "ends_at", "lifted_at")
    return {k: row[k] for k in keys}
