"""Everything communication holds about one patient, for the GDPR export (Art. 15/20)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from communication_service import models as m

Row = dict[str, Any]


def patient_records(session: Session, patient_id: int) -> Row:
    """Requests, e-mails (to the patient or carrying its requests), calls and answers."""
    request_ids = [r["placement_request_id"] for r in _requests(session, patient_id)]
    return {
        "patient_id": patient_id,
        "requests": _requests(session, patient_id),
        "emails": _emails(session, patient_id, request_ids),
        "calls": _calls(session, request_ids),
        "answers": _answers(session, patient_id),
    }


def _rows(session: Session, query: Any) -> list[Row]:
    return [dict(r) for r in session.execute(query).mappings()]


def _requests(session: Session, patient_id: int) -> list[Row]:
    r = m.outreach_requests
    return _rows(session, select(r).where(r.c.patient_id == patient_id).order_by(r.c.created_at))


def _emails(session: Session, patient_id: int, request_ids: list[int]) -> list[Row]:
    e, er = m.emails, m.email_requests
    carrying = select(er.c.email_id).where(er.c.placement_request_id.in_(request_ids))
    query = select(e).where(
        ((e.c.recipient == "patient") & (e.c.patient_id == patient_id)) | e.c.id.in_(carrying)
    )
    emails = _rows(session, query.order_by(e.c.id))
    for email in emails:
        email["placement_request_ids"] = _carried(session, er, "email_id", email["id"])
    return emails


def _carried(session: Session, link: Any, column: str, owner: int) -> list[int]:
    query = select(link.c.placement_request_id).where(link.c[column] == owner)
    return list(session.execute(query.order_by(link.c.position)).scalars())


def _calls(session: Session, request_ids: list[int]) -> list[Row]:
    c, cr = m.calls, m.call_requests
    carrying = select(cr.c.call_id).where(cr.c.placement_request_id.in_(request_ids))
    calls = _rows(session, select(c).where(c.c.id.in_(carrying)).order_by(c.c.id))
    for call in calls:
        call["placement_request_ids"] = _carried(session, cr, "call_id", call["id"])
    return calls


def _answers(session: Session, patient_id: int) -> list[Row]:
    r, o = m.responses, m.response_outcomes
    query = (
        select(r, o.c.placement_request_id, o.c.outcome)
        .join(o, o.c.response_id == r.c.id)
        .where(o.c.patient_id == patient_id)
        .order_by(r.c.id)
    )
    return _rows(session, query)
