"""Recording a therapist's answer: outcomes per request, the cooling period, the ledger entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from communication_service import models as m
from communication_service import readmodels
from communication_service.domain import OutreachRules, RequestState, cooling_ends_at
from communication_service.withdrawals import release_unsent_outreach
from shared.events.communication import ResponseOutcomeItem, TherapistResponseRecorded


class NotContacted(ValueError):
    """Some requests were never sent to this therapist."""

    def __init__(self, ids: list[int]) -> None:
        super().__init__(f"Requests {ids} were never sent to this therapist.")
        self.ids = ids


class AlreadyAnswered(ValueError):
    """Some requests already have a recorded answer."""

    def __init__(self, ids: list[int]) -> None:
        super().__init__(f"Requests {ids} already have an answer.")
        self.ids = ids


@dataclass(frozen=True)
class ResponseInput:
    """What staff send: therapist, channel, one outcome per request, a note."""

    therapist_id: int
    channel: str
    outcomes: list[tuple[int, str]]
    note: str | None
    actor: str


def contacted_ids(session: Session, therapist_id: int, channel: str) -> set[int]:
    """Requests of this therapist in a sent e-mail, or (phone) pending phone outreach."""
    e, er, r = m.emails, m.email_requests, m.outreach_requests
    sent = (
        select(er.c.placement_request_id)
        .join(e, e.c.id == er.c.email_id)
        .where(e.c.therapist_id == therapist_id, e.c.state == "sent")
    )
    ids = set(session.execute(sent).scalars())
    if channel == "phone":
        pending = select(r.c.placement_request_id).where(
            r.c.therapist_id == therapist_id, r.c.state == RequestState.PHONE_PENDING.value
        )
        ids |= set(session.execute(pending).scalars())
    return ids


def check(session: Session, data: ResponseInput) -> dict[int, Any]:
    """The requests concerned, or NotContacted / AlreadyAnswered."""
    ids = [rid for rid, _ in data.outcomes]
    missing = sorted(set(ids) - contacted_ids(session, data.therapist_id, data.channel))
    if missing:
        raise NotContacted(missing)
    o = m.response_outcomes
    answered = sorted(
        session.execute(
            select(o.c.placement_request_id).where(o.c.placement_request_id.in_(ids))
        ).scalars()
    )
    if answered:
        raise AlreadyAnswered(answered)
    return {
        row["placement_request_id"]: row
        for row in readmodels.requests_by_id(session, ids, lock=True)
    }


def record(
    session: Session, data: ResponseInput, now: datetime, rules: OutreachRules
) -> TherapistResponseRecorded:
    """Store the answer, close its requests, start cooling; return the event to publish."""
    readmodels.lock_therapist(session, data.therapist_id)
    requests = check(session, data)
    response_id = _insert_response(session, data, now)
    items = [
        ResponseOutcomeItem(
            placement_request_id=rid, patient_id=requests[rid]["patient_id"], outcome=outcome
        )
        for rid, outcome in data.outcomes
    ]
    for item in items:
        session.execute(
            insert(m.response_outcomes).values(
                response_id=response_id,
                placement_request_id=item.placement_request_id,
                patient_id=item.patient_id,
                outcome=item.outcome.value,
            )
        )
        readmodels.set_request_state(
            session, [item.placement_request_id], RequestState.CLOSED, now, item.outcome.value
        )
    start_cooling(session, data.therapist_id, response_id, now, rules)
    return TherapistResponseRecorded(
        therapist_id=data.therapist_id,
        response_id=response_id,
        channel=data.channel,
        outcomes=items,
        recorded_at=now,
    )


def _insert_response(session: Session, data: ResponseInput, now: datetime) -> int:
    r = m.responses
    response_id = int(
        session.execute(
            insert(r)
            .values(
                therapist_id=data.therapist_id,
                channel=data.channel,
                note=data.note,
                recorded_by=data.actor,
                recorded_at=now,
            )
            .returning(r.c.id)
        ).scalar_one()
    )
    session.execute(
        insert(m.contact_ledger).values(
            therapist_id=data.therapist_id,
            channel=data.channel,
            kind="response",
            response_id=response_id,
            occurred_at=now,
            created_at=now,
        )
    )
    return response_id


def start_cooling(
    session: Session, therapist_id: int, response_id: int, now: datetime, rules: OutreachRules
) -> None:
    """No outreach of any kind for COOLING_PERIOD_DAYS; unsent outreach is called back."""
    readmodels.store_cooling(session, therapist_id, response_id, now, cooling_ends_at(now, rules))
    release_unsent_outreach(session, therapist_id, now)
