"""Read side of calls: the day's call list with the patients to discuss and previous contacts;
the therapist's phone number comes from therapist_service (never stored here)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from communication_service import labels
from communication_service import models as m
from communication_service.clients import Directory, DirectoryUnavailable
from communication_service.slots import BERLIN

CALL_COLUMNS = (
    "id",
    "therapist_id",
    "purpose",
    "email_id",
    "state",
    "attempt",
    "slot_start",
    "flagged_for_staff",
    "flag_reason",
    "note",
    "response_id",
    "closed_reason",
    "created_at",
    "completed_at",
    "failed_at",
    "cancelled_at",
)
PREVIOUS_CONTACTS = 10


def local_day(day: date) -> tuple[datetime, datetime]:
    """The UTC bounds of one Europe/Berlin calendar day (23 or 25 hours around DST)."""
    start = datetime.combine(day, time()).replace(tzinfo=BERLIN)
    end = datetime.combine(day + timedelta(days=1), time()).replace(tzinfo=BERLIN)
    return start, end


def list_calls(
    session: Session, filters: dict[str, Any], offset: int, limit: int, slot_minutes: int
) -> tuple[list[dict[str, Any]], int]:
    """Calls by day / state / therapist, ordered by time (unslotted last), and the total."""
    c = m.calls
    conditions = []
    if filters.get("date") is not None:
        start, end = local_day(filters["date"])
        conditions += [c.c.slot_start >= start, c.c.slot_start < end]
    if filters.get("status") is not None:
        conditions.append(c.c.state == filters["status"])
    if filters.get("therapist_id") is not None:
        conditions.append(c.c.therapist_id == filters["therapist_id"])
    total = session.execute(select(func.count()).select_from(c).where(*conditions)).scalar_one()
    rows = (
        session.execute(
            select(c)
            .where(*conditions)
            .order_by(c.c.slot_start.asc().nulls_last(), c.c.id)
            .offset(offset)
            .limit(limit)
        )
        .mappings()
        .all()
    )
    return [call_detail(session, row, slot_minutes) for row in rows], int(total)


def call_detail(session: Session, row: Any, slot_minutes: int) -> dict[str, Any]:
    """One call with its requests (pseudonymous summaries) and the therapist's earlier contacts."""
    slot = row["slot_start"]
    return {
        **{k: row[k] for k in CALL_COLUMNS},
        "slot_end": slot + timedelta(minutes=slot_minutes) if slot is not None else None,
        "patients": _patients(session, row["id"]),
        "previous_contacts": _previous(session, row["therapist_id"], row["id"]),
    }


def find_call(session: Session, call_id: int, slot_minutes: int) -> dict[str, Any] | None:
    """One call in the list's shape, or None."""
    row = session.execute(select(m.calls).where(m.calls.c.id == call_id)).mappings().first()
    return call_detail(session, row, slot_minutes) if row is not None else None


def _patients(session: Session, call_id: int) -> list[dict[str, Any]]:
    cr, r = m.call_requests, m.outreach_requests
    rows = session.execute(
        select(r)
        .join(cr, cr.c.placement_request_id == r.c.placement_request_id)
        .where(cr.c.call_id == call_id)
        .order_by(cr.c.position)
    ).mappings()
    return [
        {
            "placement_request_id": row["placement_request_id"],
            "patient_id": row["patient_id"],
            "state": row["state"],
            "reference": labels.reference(row["placement_request_id"]),
            "summary": labels.summary_view(row),
        }
        for row in rows
    ]


def _previous(session: Session, therapist_id: int, call_id: int) -> list[dict[str, Any]]:
    """Contacts that took place (e-mails sent, calls made, answers), newest first."""
    c = m.contact_ledger
    rows = session.execute(
        select(c)
        .where(
            c.c.therapist_id == therapist_id, c.c.occurred_at.is_not(None), c.c.voided_at.is_(None)
        )
        .order_by(c.c.occurred_at.desc(), c.c.id.desc())
        .limit(PREVIOUS_CONTACTS)
    ).mappings()
    keys = ("channel", "kind", "email_id", "call_id", "response_id", "occurred_at")
    return [{k: row[k] for k in keys} for row in rows]


def with_contacts(items: list[dict[str, Any]], directory: Directory) -> list[dict[str, Any]]:
    """Add each therapist's name, phone and phone hours (one lookup per therapist)."""
    found: dict[int, dict[str, Any] | None] = {}
    for item in items:
        tid = item["therapist_id"]
        if tid not in found:
            found[tid] = _contact(directory, tid)
        item["therapist"] = found[tid]
    return items


def _contact(directory: Directory, therapist_id: int) -> dict[str, Any] | None:
    try:
        data = directory.therapist(therapist_id)
    except DirectoryUnavailable:
        return None
    if data is None:
        return None
    name = " ".join(
        p for p in (data.get("title"), data.get("first_name"), data.get("last_name")) if p
    )
    return {
        "name": name or None,
        "phone": data.get("phone"),
        "phone_hours": data.get("phone_hours") or {},
    }
