"""Outreach planning against the database: one therapist at a time, under a row lock.

The caller owns the transaction (a job's unit of work or the consumer's), nothing commits here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from communication_service import models as m
from communication_service import readmodels
from communication_service.domain import (
    Action,
    Decision,
    EmailState,
    OutreachRules,
    RequestState,
    TherapistContact,
    WaitingRequest,
    inquiry_template,
    plan_outreach,
)

LIVE_OUTREACH = (
    m.contact_ledger.c.kind == "outreach",
    m.contact_ledger.c.channel == "email",
    m.contact_ledger.c.voided_at.is_(None),
)


def therapists_with_waiting_requests(session: Session) -> list[int]:
    """Therapists that have requests ready for contact."""
    r = m.outreach_requests
    query = select(r.c.therapist_id).where(r.c.state == RequestState.WAITING.value).distinct()
    return sorted(session.execute(query).scalars())


def plan_therapist(
    session: Session,
    therapist_id: int,
    now: datetime,
    rules: OutreachRules,
    per_practice: bool = False,
) -> Decision | None:
    """Decide and apply the outreach for one therapist's waiting requests."""
    therapist = readmodels.lock_therapist(session, therapist_id)
    waiting = _waiting(session, therapist_id)
    if not waiting:
        return None
    contact = _contact(session, therapist, therapist_id, now, per_practice)
    decision = plan_outreach(waiting, {therapist_id: contact}, now, rules)[0]
    return _apply(session, decision, therapist, now, rules, per_practice)


def _waiting(session: Session, therapist_id: int) -> list[WaitingRequest]:
    r = m.outreach_requests
    rows = session.execute(
        select(r)
        .where(r.c.therapist_id == therapist_id, r.c.state == RequestState.WAITING.value)
        .with_for_update()
    ).mappings()
    return [
        WaitingRequest(
            row["placement_request_id"],
            row["patient_id"],
            therapist_id,
            row["urgent"],
            row["search_started_at"],
            row["created_at"],
        )
        for row in rows
    ]


def _contact(
    session: Session, therapist: Any, therapist_id: int, now: datetime, per_practice: bool
) -> TherapistContact:
    if therapist is None:
        return TherapistContact(therapist_id, known=False)
    draft_id, draft_size = _open_draft(session, therapist_id)
    practice = therapist["practice_id"] if per_practice else None
    return TherapistContact(
        therapist_id,
        active=therapist["status"] == "active",
        opted_out=therapist["opted_out"],
        has_email=therapist["has_email"],
        prefers_phone=therapist["preferred_channel"] == "phone",
        last_outreach_at=last_outreach_at(session, therapist_id, practice),
        cooling_until=readmodels.cooling_until(session, therapist_id, now),
        open_draft_id=draft_id,
        open_draft_size=draft_size,
        unsent_outreach=_in_flight(session, therapist_id),
    )


def last_outreach_at(session: Session, therapist_id: int, practice_id: int | None) -> Any:
    """Start of the latest live outreach window of the therapist (or of the practice)."""
    c = m.contact_ledger
    who = c.c.therapist_id == therapist_id
    if practice_id is not None:
        who = who | (c.c.limit_practice_id == practice_id)
    return session.execute(select(func.max(c.c.blocks_from)).where(who, *LIVE_OUTREACH)).scalar()


def _open_draft(session: Session, therapist_id: int) -> tuple[int | None, int]:
    e, er = m.emails, m.email_requests
    size = select(func.count()).where(er.c.email_id == e.c.id).scalar_subquery()
    row = session.execute(
        select(e.c.id, size)
        .where(
            e.c.therapist_id == therapist_id,
            e.c.purpose == "outreach",
            e.c.state == EmailState.DRAFT.value,
        )
        .order_by(e.c.id)
        .limit(1)
        .with_for_update(of=e)
    ).first()
    return (row[0], row[1]) if row else (None, 0)


def _in_flight(session: Session, therapist_id: int) -> bool:
    e = m.emails
    return bool(
        session.execute(
            select(
                exists().where(
                    e.c.therapist_id == therapist_id,
                    e.c.purpose == "outreach",
                    e.c.state.in_([EmailState.QUEUED.value, EmailState.SENDING.value]),
                )
            )
        ).scalar()
    )


def _apply(
    session: Session,
    decision: Decision,
    therapist: Any,
    now: datetime,
    rules: OutreachRules,
    per_practice: bool,
) -> Decision:
    ids = list(decision.request_ids)
    if decision.action is Action.PHONE:
        readmodels.set_request_state(session, ids, RequestState.PHONE_PENDING, now)
    elif decision.action is Action.JOIN_DRAFT and decision.draft_id is not None:
        add_to_email(session, decision.draft_id, ids, now)
    elif decision.action is Action.NEW_EMAIL:
        if not _new_email(session, therapist, ids, now, rules, per_practice):
            return Decision(
                decision.therapist_id, Action.WAIT, waiting_ids=tuple(ids), reason="ledger_refused"
            )
    return decision


def _new_email(
    session: Session,
    therapist: Any,
    ids: list[int],
    now: datetime,
    rules: OutreachRules,
    per_practice: bool,
) -> bool:
    """Draft + ledger reservation in a savepoint; False when the database refuses the slot."""
    try:
        with session.begin_nested():
            email_id = create_email(
                session,
                "outreach",
                inquiry_template(len(ids)),
                now,
                therapist_id=therapist["therapist_id"],
            )
            reserve_window(session, therapist, email_id, now, rules, per_practice)
            add_to_email(session, email_id, ids, now)
    except IntegrityError:
        return False
    return True


def create_email(
    session: Session,
    purpose: str,
    template: str,
    now: datetime,
    therapist_id: int | None = None,
    patient_id: int | None = None,
    context: dict[str, Any] | None = None,
) -> int:
    """A draft e-mail (composed and queued later by the sender job)."""
    e = m.emails
    return int(
        session.execute(
            insert(e)
            .values(
                purpose=purpose,
                template=template,
                recipient="therapist" if purpose != "patient" else "patient",
                therapist_id=therapist_id,
                patient_id=patient_id,
                state=EmailState.DRAFT.value,
                context=context or {},
                attempts=0,
                created_at=now,
                updated_at=now,
            )
            .returning(e.c.id)
        ).scalar_one()
    )


def reserve_window(
    session: Session,
    therapist: Any,
    email_id: int,
    now: datetime,
    rules: OutreachRules,
    per_practice: bool,
) -> None:
    """The ledger row whose window the exclusion constraint keeps apart (7-day rule)."""
    practice = therapist["practice_id"]
    session.execute(
        insert(m.contact_ledger).values(
            therapist_id=therapist["therapist_id"],
            practice_id=practice,
            limit_practice_id=practice if per_practice else None,
            channel="email",
            kind="outreach",
            email_id=email_id,
            blocks_from=now,
            blocks_until=now + rules.email_gap,
            created_at=now,
        )
    )


def add_to_email(session: Session, email_id: int, ids: list[int], now: datetime) -> None:
    """Requests join an unsent e-mail after those already in it."""
    er = m.email_requests
    start = session.execute(select(func.count()).where(er.c.email_id == email_id)).scalar_one()
    for position, request_id in enumerate(ids, start=start):
        session.execute(
            insert(er).values(
                email_id=email_id,
                placement_request_id=request_id,
                purpose="outreach",
                position=position,
            )
        )
    readmodels.set_request_state(session, ids, RequestState.IN_EMAIL, now)
    total = start + len(ids)
    session.execute(
        update(m.emails)
        .where(m.emails.c.id == email_id)
        .values(template=inquiry_template(total), updated_at=now)
    )
