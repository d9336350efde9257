"""Phone calls and the requests they carry: booking, slots, withdrawal and cancellation.

The call desk is the only caller, so a slot is booked for everybody: a partial unique index
refuses a second scheduled call in it (SLOT_TAKEN); one call per followed-up e-mail (EMAIL_TAKEN).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from communication_service.domain.calls import CallPurpose, CallState, flag_of
from communication_service.domain.follow_ups import CallAction, CallPlan, CallRules
from communication_service.models import call_requests, calls

SLOT_TAKEN = "uq_calls_scheduled_slot"
EMAIL_TAKEN = "uq_calls_email"
CALLS = calls.c
CALL_REQUESTS = call_requests.c


class Calls:
    """Call rows and their carried requests, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def booked_slots(self, start: datetime, end: datetime) -> list[datetime]:
        """Slot starts of the desk's scheduled calls in [start, end)."""
        query = select(CALLS.slot_start).where(
            CALLS.state == CallState.SCHEDULED.value,
            CALLS.slot_start >= start,
            CALLS.slot_start < end,
        )
        return list(self._session.execute(query).scalars())

    def booked_around(self, now: datetime, rules: CallRules) -> list[datetime]:
        """Booked slots that can collide with a slot found from `now` within the horizon."""
        slot = rules.slots.slot
        end = now + rules.slots.horizon + slot + timedelta(days=1)
        return self.booked_slots(now - slot, end)

    def insert(
        self,
        therapist_id: int,
        purpose: CallPurpose,
        plan: CallPlan,
        now: datetime,
        email_id: int | None,
    ) -> int:
        """A scheduled call as planned (flagged for staff without a slot)."""
        flagged, reason = flag_of(plan)
        statement = (
            insert(calls)
            .values(
                therapist_id=therapist_id,
                purpose=purpose.value,
                email_id=email_id,
                state=CallState.SCHEDULED.value,
                attempt=plan.attempt,
                slot_start=plan.slot_start,
                flagged_for_staff=flagged or plan.action is CallAction.NO_SLOT,
                flag_reason=reason,
                created_at=now,
                updated_at=now,
            )
            .returning(CALLS.id)
        )
        return int(self._session.execute(statement).scalar_one())

    def add_requests(self, call_id: int, ids: list[int]) -> None:
        """The requests a call is about, after those it already carries."""
        count = select(func.count()).where(CALL_REQUESTS.call_id == call_id)
        start = self._session.execute(count).scalar_one()
        for position, request_id in enumerate(ids, start=start):
            self._session.execute(
                insert(call_requests).values(
                    call_id=call_id, placement_request_id=request_id, position=position
                )
            )

    def carried_ids(self, call_id: int) -> list[int]:
        """The requests a call carries, in their order."""
        query = select(CALL_REQUESTS.placement_request_id).where(CALL_REQUESTS.call_id == call_id)
        return list(self._session.execute(query.order_by(CALL_REQUESTS.position)).scalars())

    def row(self, call_id: int, lock: bool = False) -> Any:
        """One call, or None (locked without blocking foreign-key checks)."""
        query = select(calls).where(CALLS.id == call_id)
        if lock:
            query = query.with_for_update(key_share=True)
        return self._session.execute(query).mappings().first()

    def update(self, call_id: int, now: datetime, **values: Any) -> None:
        """Change columns of one call."""
        self._session.execute(
            update(calls).where(CALLS.id == call_id).values(updated_at=now, **values)
        )

    def set_slot(self, call_id: int, plan: CallPlan, now: datetime) -> None:
        """A call that had no slot gets one (and the staff flag of the new plan)."""
        flagged, reason = flag_of(plan)
        self.update(
            call_id, now, slot_start=plan.slot_start, flagged_for_staff=flagged, flag_reason=reason
        )

    def cancel(self, call_id: int, now: datetime, why: str) -> None:
        """A call that will not happen (its ledger rows are voided by the caller)."""
        self._session.execute(
            update(calls)
            .where(CALLS.id == call_id)
            .values(
                state=CallState.CANCELLED.value,
                cancelled_at=now,
                updated_at=now,
                closed_reason=why,
            )
        )

    def scheduled_carrying(self, ids: list[int]) -> list[int]:
        """Scheduled calls that carry any of the requests, locked, by id."""
        carrying = select(CALL_REQUESTS.call_id).where(CALL_REQUESTS.placement_request_id.in_(ids))
        query = (
            select(CALLS.id)
            .where(CALLS.state == CallState.SCHEDULED.value, CALLS.id.in_(carrying))
            .order_by(CALLS.id)
            .with_for_update(key_share=True)
        )
        return list(self._session.execute(query).scalars())

    def remove_requests(self, call_id: int, ids: list[int]) -> None:
        """The requests leave the call."""
        self._session.execute(
            delete(call_requests).where(
                CALL_REQUESTS.call_id == call_id, CALL_REQUESTS.placement_request_id.in_(ids)
            )
        )

    def scheduled_of_therapist(self, therapist_id: int) -> list[tuple[int, str]]:
        """(id, purpose) of the therapist's scheduled calls, locked, by id."""
        query = (
            select(CALLS.id, CALLS.purpose)
            .where(CALLS.therapist_id == therapist_id, CALLS.state == CallState.SCHEDULED.value)
            .order_by(CALLS.id)
            .with_for_update(key_share=True)
        )
        return [(call_id, purpose) for call_id, purpose in self._session.execute(query).all()]

    def scheduled_first_contact(self, therapist_id: int) -> Any:
        """The therapist's oldest scheduled first-contact call (locked), or None."""
        query = (
            select(calls)
            .where(
                CALLS.therapist_id == therapist_id,
                CALLS.purpose == CallPurpose.FIRST_CONTACT.value,
                CALLS.state == CallState.SCHEDULED.value,
            )
            .order_by(CALLS.id)
            .limit(1)
            .with_for_update(key_share=True)
        )
        return self._session.execute(query).mappings().first()
