"""What the call scheduler looks for: unanswered e-mails due a follow-up call (a cancelled call
does not count: a follow-up cancelled by a block is booked again), therapists with phone-pending
requests, calls whose slot passed without an outcome, and calls still without a slot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from communication_service.domain.calls import CallState
from communication_service.domain.emails import OUTREACH, EmailState
from communication_service.domain.follow_ups import CallRules, SentOutreach
from communication_service.domain.requests import RequestState
from communication_service.models import (
    call_requests,
    calls,
    email_requests,
    emails,
    outreach_requests,
    response_outcomes,
)

SCAN_LIMIT = 500
CALLS, CALL_REQUESTS = calls.c, call_requests.c
EMAILS, EMAIL_REQUESTS = emails.c, email_requests.c
REQUESTS = outreach_requests.c
LIVE_CALL = CALLS.state != CallState.CANCELLED.value


class CallScans:
    """The scheduler's queries, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def due_email_ids(self, now: datetime, rules: CallRules) -> list[int]:
        """Sent, unanswered outreach e-mails with open requests, old enough, without a call."""
        query = (
            select(EMAILS.id)
            .where(
                EMAILS.purpose == OUTREACH,
                EMAILS.state == EmailState.SENT.value,
                EMAILS.sent_at <= now - rules.follow_up_after,
                ~exists().where(CALLS.email_id == EMAILS.id, LIVE_CALL),
                _own_requests_exist(
                    outreach_requests, REQUESTS.state == RequestState.IN_EMAIL.value
                ),
                ~_own_requests_exist(response_outcomes),
            )
            .order_by(EMAILS.sent_at, EMAILS.id)
            .limit(SCAN_LIMIT)
        )
        return list(self._session.execute(query).scalars())

    def sent_outreach(self, email_id: int) -> SentOutreach:
        """What the pure follow-up rules need to know about one e-mail."""
        row = self._session.execute(select(emails).where(EMAILS.id == email_id)).mappings().one()
        in_email = select(EMAIL_REQUESTS.placement_request_id).where(
            EMAIL_REQUESTS.email_id == email_id
        )
        open_ids = self._session.execute(
            select(REQUESTS.placement_request_id)
            .where(
                REQUESTS.placement_request_id.in_(in_email),
                REQUESTS.state == RequestState.IN_EMAIL.value,
            )
            .order_by(REQUESTS.placement_request_id)
        ).scalars()
        answered = self._session.execute(
            select(exists().where(response_outcomes.c.placement_request_id.in_(in_email)))
        ).scalar()
        has_call = self._session.execute(
            select(exists().where(CALLS.email_id == email_id, LIVE_CALL))
        ).scalar()
        return SentOutreach(
            email_id,
            row["therapist_id"],
            row["sent_at"],
            tuple(open_ids),
            bool(answered),
            bool(has_call),
        )

    def therapists_awaiting_first_call(self) -> list[int]:
        """Therapists with phone-pending requests that no live call carries yet."""
        in_call = exists().where(
            CALL_REQUESTS.placement_request_id == REQUESTS.placement_request_id,
            CALLS.id == CALL_REQUESTS.call_id,
            LIVE_CALL,
        )
        query = (
            select(REQUESTS.therapist_id)
            .where(REQUESTS.state == RequestState.PHONE_PENDING.value, ~in_call)
            .distinct()
        )
        return sorted(self._session.execute(query).scalars())

    def requests_in_live_calls(self) -> list[int]:
        """Requests carried by a call that is not cancelled."""
        query = (
            select(CALL_REQUESTS.placement_request_id)
            .join(calls, CALLS.id == CALL_REQUESTS.call_id)
            .where(LIVE_CALL)
        )
        return list(self._session.execute(query).scalars())

    def overdue_call_ids(self, before: datetime) -> list[int]:
        """Scheduled calls whose slot started at or before `before` and got no outcome."""
        query = (
            select(CALLS.id)
            .where(CALLS.state == CallState.SCHEDULED.value, CALLS.slot_start <= before)
            .order_by(CALLS.slot_start, CALLS.id)
            .limit(SCAN_LIMIT)
        )
        return list(self._session.execute(query).scalars())

    def unslotted_call_ids(self) -> list[int]:
        """Scheduled calls that found no free slot yet (flagged for staff)."""
        query = (
            select(CALLS.id)
            .where(CALLS.state == CallState.SCHEDULED.value, CALLS.slot_start.is_(None))
            .order_by(CALLS.id)
            .limit(SCAN_LIMIT)
        )
        return list(self._session.execute(query).scalars())


def _own_requests_exist(table: Any, *conditions: Any) -> Any:
    """EXISTS: one of the outer e-mail's requests has a row in `table` (joined on the request
    id) meeting `conditions`. Correlated to the outer e-mail: without `correlate` the subquery
    would read `emails` as a table of its own (one answered request anywhere would count as an
    answer to every e-mail). It joins the e-mail's requests rather than asking `IN (its
    requests)`: the IN form made PostgreSQL test every open request against every e-mail
    (seconds at 2,000 practices), the join walks the e-mail's own rows."""
    return (
        select(EMAIL_REQUESTS.placement_request_id)
        .join(table, table.c.placement_request_id == EMAIL_REQUESTS.placement_request_id)
        .where(EMAIL_REQUESTS.email_id == EMAILS.id, *conditions)
        .correlate(emails)
        .exists()
    )
