"""Requests leave unsent e-mails (cancelled, placed elsewhere, answered); empty ones are dropped."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from communication_service import calls, readmodels
from communication_service import models as m
from communication_service.domain import UNSENT, EmailState, RequestState, remove_requests


def withdraw(
    session: Session, ids: list[int], state: RequestState, reason: str, now: datetime
) -> list[int]:
    """Close requests and take them out of unsent e-mails; returns the e-mails changed."""
    known = [
        r["placement_request_id"]
        for r in readmodels.requests_by_id(session, ids, True)
        if r["state"] not in (RequestState.CANCELLED.value, RequestState.CLOSED.value)
    ]
    changed = [
        email["id"]
        for email in _unsent_emails_with(session, known)
        if _shrink(session, email, known, now)
    ]
    readmodels.set_request_state(session, known, state, now, reason)
    calls.withdraw_requests(session, known, now)
    return changed


def _unsent_emails_with(session: Session, ids: list[int]) -> list[Any]:
    if not ids:
        return []
    e, er = m.emails, m.email_requests
    carrying = select(er.c.email_id).where(
        er.c.placement_request_id.in_(ids), er.c.purpose == "outreach"
    )
    query = select(e).where(e.c.id.in_(carrying), e.c.state.in_([s.value for s in UNSENT]))
    return list(session.execute(query.order_by(e.c.id).with_for_update()).mappings())


def carried_ids(session: Session, email_id: int) -> list[int]:
    """The requests an e-mail carries, in their order."""
    er = m.email_requests
    query = select(er.c.placement_request_id).where(er.c.email_id == email_id)
    return list(session.execute(query.order_by(er.c.position)).scalars())


def _shrink(session: Session, email: Any, withdrawn: list[int], now: datetime) -> bool:
    carried = carried_ids(session, email["id"])
    result = remove_requests(carried, withdrawn, EmailState(email["state"]))
    if result is None or (not result.cancel_email and not result.rerender):
        return False
    er = m.email_requests
    session.execute(
        delete(er).where(er.c.email_id == email["id"], er.c.placement_request_id.in_(withdrawn))
    )
    if result.cancel_email:
        cancel_email(session, email["id"], now, "all requests withdrawn")
    else:
        back_to_draft(session, email["id"], now)
    return True


def cancel_email(session: Session, email_id: int, now: datetime, why: str) -> None:
    """An unsent e-mail is not sent; its ledger window is released."""
    session.execute(
        update(m.emails)
        .where(m.emails.c.id == email_id)
        .values(state=EmailState.CANCELLED.value, cancelled_at=now, updated_at=now, last_error=why)
    )
    void_ledger(session, email_id, now)


def back_to_draft(session: Session, email_id: int, now: datetime) -> None:
    """Its content changed: composed again (new rendering, new Message-ID) before sending."""
    session.execute(
        update(m.emails)
        .where(m.emails.c.id == email_id)
        .values(
            state=EmailState.DRAFT.value,
            subject=None,
            body_text=None,
            body_html=None,
            message_id=None,
            to_address=None,
            queued_at=None,
            next_attempt_at=None,
            updated_at=now,
        )
    )


def void_ledger(session: Session, email_id: int, now: datetime) -> None:
    """The e-mail never went out: its outreach window no longer counts."""
    c = m.contact_ledger
    session.execute(
        update(c).where(c.c.email_id == email_id, c.c.voided_at.is_(None)).values(voided_at=now)
    )


def release_unsent_outreach(session: Session, therapist_id: int, now: datetime) -> list[int]:
    """Cooling started: unsent outreach e-mails and scheduled calls are cancelled, their
    requests wait again (follow-up requests stay with their sent e-mail)."""
    e = m.emails
    rows = (
        session.execute(
            select(e.c.id)
            .where(
                e.c.therapist_id == therapist_id,
                e.c.purpose == "outreach",
                e.c.state.in_([s.value for s in UNSENT]),
            )
            .with_for_update()
        )
        .scalars()
        .all()
    )
    for email_id in rows:
        ids = carried_ids(session, email_id)
        session.execute(delete(m.email_requests).where(m.email_requests.c.email_id == email_id))
        readmodels.set_request_state(session, ids, RequestState.WAITING, now)
        cancel_email(session, email_id, now, "cooling period started")
    calls.cancel_for_therapist(session, therapist_id, now, "cooling period started")
    return list(rows)
