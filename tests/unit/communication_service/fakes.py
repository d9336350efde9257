"""In-memory tables and stores, a unit of work with savepoints, and a context for the use-case
tests of the communication service (no database, milliseconds each)."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from support.fakes import FakeUnitOfWork

from communication_service.domain.calls import LEDGER_KIND, CallPurpose, CallState, flag_of
from communication_service.domain.emails import (
    OUTREACH,
    UNSENT,
    EmailState,
    RetryRules,
    recipient_of,
)
from communication_service.domain.erasure import REDACTED, REDACTED_ADDRESS
from communication_service.domain.follow_ups import CallAction, CallPlan, CallRules, SentOutreach
from communication_service.domain.outreach import OutreachRules, WaitingRequest
from communication_service.domain.requests import OPEN_STATES, RequestState
from communication_service.domain.responses import ResponseInput
from communication_service.domain.slots import SlotRules
from communication_service.store.calls import EMAIL_TAKEN, SLOT_TAKEN
from communication_service.store.unit_of_work import Savepoint
from shared.clock import FakeClock
from shared.events.communication import ResponseOutcomeItem

START = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin
PHONE_HOURS = {"mon": ["10:00-12:00"], "wed": ["14:00-16:00"]}  # Berlin wall clock
OPEN = {state.value for state in OPEN_STATES}
UNSENT_STATES = {state.value for state in UNSENT}
OUTREACH_WINDOW = "ex_contact_ledger_outreach_window"


class Refused(Exception):
    """What the database would answer with an IntegrityError: a constraint refused a change."""

    def __init__(self, constraint: str) -> None:
        super().__init__(constraint)
        self.constraint = constraint


@dataclass
class Tables:
    """The communication schema as dicts and lists (one "database" per test)."""

    therapists: dict[int, dict[str, Any]] = field(default_factory=dict)
    cooling: list[dict[str, Any]] = field(default_factory=list)
    requests: dict[int, dict[str, Any]] = field(default_factory=dict)
    emails: dict[int, dict[str, Any]] = field(default_factory=dict)
    email_requests: list[tuple[int, int]] = field(default_factory=list)  # (email, request)
    ledger: list[dict[str, Any]] = field(default_factory=list)
    calls: dict[int, dict[str, Any]] = field(default_factory=dict)
    call_requests: list[tuple[int, int]] = field(default_factory=list)  # (call, request)
    responses: dict[int, dict[str, Any]] = field(default_factory=dict)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    stored_responses: list[dict[str, Any]] = field(default_factory=list)  # idempotency keys
    patient_statuses: dict[int, tuple[str, datetime]] = field(default_factory=dict)
    attention: list[dict[str, Any]] = field(default_factory=list)


class Store:
    """Base of the fake stores: they all work on the same tables; ids come from one counter."""

    ids = itertools.count(1)

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def next_id(self) -> int:
        return next(self.ids)


class FakeTherapists(Store):
    def lock(self, therapist_id: int) -> Any:
        found = self.tables.therapists.get(therapist_id)
        return dict(found) if found else None

    def row(self, therapist_id: int) -> Any:
        return self.lock(therapist_id)

    def practice_of(self, therapist_id: int) -> int | None:
        found = self.tables.therapists.get(therapist_id)
        return found["practice_id"] if found else None


class FakePatients(Store):
    def apply(self, patient_id: int, status: str, at: datetime) -> bool:
        known = self.tables.patient_statuses.get(patient_id)
        if known is not None and known[1] > at:
            return False
        self.tables.patient_statuses[patient_id] = (status, at)
        return True

    def of(self, patient_ids: list[int]) -> dict[int, str]:
        known = self.tables.patient_statuses
        return {i: known[i][0] for i in patient_ids if i in known}


class FakeAttention(Store):
    def add(self, reason: str, now: datetime, **ids: int | None) -> int:
        item_id = self.next_id()
        self.tables.attention.append(
            {"id": item_id, "reason": reason, "created_at": now, "resolved_at": None, **ids}
        )
        return item_id

    def open_page(
        self, offset: int, limit: int, reason: str | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        items = [
            dict(item)
            for item in self.tables.attention
            if item["resolved_at"] is None and (reason is None or item["reason"] == reason)
        ]
        return items[offset : offset + limit], len(items)


class FakeCooling(Store):
    def store(self, therapist_id: int, response_id: int, starts: datetime, ends: datetime) -> bool:
        if any(period["response_id"] == response_id for period in self.tables.cooling):
            return False
        self.tables.cooling.append(
            {
                "therapist_id": therapist_id,
                "response_id": response_id,
                "starts_at": starts,
                "ends_at": ends,
                "lifted_at": None,
            }
        )
        return True

    def lift(self, therapist_id: int, at: datetime, by: str) -> int:
        lifted = 0
        for period in self.tables.cooling:
            if (
                period["therapist_id"] == therapist_id
                and period["lifted_at"] is None
                and period["starts_at"] <= at < period["ends_at"]
            ):
                period.update(lifted_at=at, lifted_by=by)
                lifted += 1
        return lifted

    def cooling_at(self, therapist_ids: list[int], now: datetime) -> set[int]:
        return {t for t in therapist_ids if self.until(t, now) is not None}

    def until(self, therapist_id: int, now: datetime) -> datetime | None:
        running = [
            period["ends_at"]
            for period in self.tables.cooling
            if period["therapist_id"] == therapist_id
            and period["lifted_at"] is None
            and period["starts_at"] <= now < period["ends_at"]
        ]
        return max(running, default=None)


class FakeRequests(Store):
    def set_state(
        self, ids: list[int], state: RequestState, now: datetime, reason: str | None = None
    ) -> None:
        for request_id in ids:
            self.tables.requests[request_id].update(
                state=state.value, state_changed_at=now, close_reason=reason
            )

    def by_id(self, ids: list[int], lock: bool = False) -> list[Any]:
        return [dict(self.tables.requests[i]) for i in sorted(ids) if i in self.tables.requests]

    def leave_tombstones(
        self, ids: list[int], state: RequestState, reason: str | None, now: datetime
    ) -> None:
        self.tombstones = {i: (state.value, reason) for i in ids} | getattr(self, "tombstones", {})

    def open_ids_of_patient(self, patient_id: int, keep: int | None = None) -> list[int]:
        return [
            request_id
            for request_id, request in self.tables.requests.items()
            if request["patient_id"] == patient_id and request["state"] in OPEN
            if request_id != keep
        ]

    def ids_of_patient(self, patient_id: int) -> list[int]:
        rows = self.tables.requests.items()
        return [request_id for request_id, row in rows if row["patient_id"] == patient_id]

    def therapists_with_waiting(self) -> list[int]:
        return sorted(
            {
                row["therapist_id"]
                for row in self.tables.requests.values()
                if row["state"] == RequestState.WAITING.value
            }
        )

    def waiting_of(self, therapist_id: int) -> list[WaitingRequest]:
        return [
            WaitingRequest(
                row["placement_request_id"],
                row["patient_id"],
                therapist_id,
                row["urgent"],
                row["search_started_at"],
                row["created_at"],
            )
            for row in self.tables.requests.values()
            if row["therapist_id"] == therapist_id and row["state"] == RequestState.WAITING.value
        ]

    def phone_pending_of(self, therapist_id: int) -> list[int]:
        pending = [
            row
            for row in self.tables.requests.values()
            if row["therapist_id"] == therapist_id
            and row["state"] == RequestState.PHONE_PENDING.value
        ]
        pending.sort(key=lambda row: (not row["urgent"], row["search_started_at"]))
        return [row["placement_request_id"] for row in pending]


class FakeEmails(Store):
    def create(
        self,
        purpose: str,
        template: str,
        now: datetime,
        therapist_id: int | None = None,
        patient_id: int | None = None,
        context: dict[str, Any] | None = None,
    ) -> int:
        email_id = self.next_id()
        self.tables.emails[email_id] = {
            "id": email_id,
            "purpose": purpose,
            "template": template,
            "recipient": recipient_of(purpose),
            "therapist_id": therapist_id,
            "patient_id": patient_id,
            "state": EmailState.DRAFT.value,
            "context": context or {},
            "attempts": 0,
            "to_address": None,
            "subject": None,
            "body_text": None,
            "body_html": None,
            "last_error": None,
            "created_at": now,
            "cancelled_at": None,
        }
        return email_id

    def row(self, email_id: int, lock: bool = False) -> Any:
        found = self.tables.emails.get(email_id)
        return dict(found) if found else None

    def therapists_of(self, email_ids: list[int]) -> dict[int, int]:
        return {e: self.therapist_of(e) for e in email_ids}

    def therapist_of(self, email_id: int) -> int:
        return int(self.tables.emails[email_id]["therapist_id"])

    def add_requests(self, email_id: int, ids: list[int]) -> int:
        self.tables.email_requests += [(email_id, request_id) for request_id in ids]
        return len(self.carried_ids(email_id))

    def set_template(self, email_id: int, template: str, now: datetime) -> None:
        self.tables.emails[email_id]["template"] = template

    def carried_ids(self, email_id: int) -> list[int]:
        return [request for email, request in self.tables.email_requests if email == email_id]

    def unsent_carrying(self, ids: list[int]) -> list[Any]:
        carrying = {email for email, request in self.tables.email_requests if request in ids}
        return [
            dict(row)
            for email_id, row in sorted(self.tables.emails.items())
            if email_id in carrying and row["state"] in UNSENT_STATES
        ]

    def remove_requests(self, email_id: int, ids: list[int]) -> None:
        self.tables.email_requests = [
            (email, request)
            for email, request in self.tables.email_requests
            if not (email == email_id and request in ids)
        ]

    def remove_all_requests(self, email_id: int) -> None:
        self.remove_requests(email_id, self.carried_ids(email_id))

    def cancel(self, email_id: int, now: datetime, why: str) -> None:
        self.tables.emails[email_id].update(
            state=EmailState.CANCELLED.value, cancelled_at=now, last_error=why
        )

    def back_to_draft(self, email_id: int, now: datetime) -> None:
        self.tables.emails[email_id].update(state=EmailState.DRAFT.value, body_text=None)

    def unsent_outreach_of(self, therapist_id: int) -> list[int]:
        return [
            email_id
            for email_id, row in sorted(self.tables.emails.items())
            if row["therapist_id"] == therapist_id
            and row["purpose"] == OUTREACH
            and row["state"] in UNSENT_STATES
        ]

    def open_draft(self, therapist_id: int) -> tuple[int | None, int]:
        for email_id in self.unsent_outreach_of(therapist_id):
            if self.tables.emails[email_id]["state"] == EmailState.DRAFT.value:
                return email_id, len(self.carried_ids(email_id))
        return None, 0

    def place_taken_for(self, placement_request_id: int) -> bool:
        return any(
            row["purpose"] == "place_taken"
            and row["context"].get("placement_request_id") == placement_request_id
            for row in self.tables.emails.values()
        )

    def outreach_in_flight(self, therapist_id: int) -> bool:
        return any(
            row["therapist_id"] == therapist_id
            and row["purpose"] == OUTREACH
            and row["state"] in (EmailState.QUEUED.value, EmailState.SENDING.value)
            for row in self.tables.emails.values()
        )


class FakeLedger(Store):
    """Ledger rows; like the exclusion constraint, two live outreach windows never overlap."""

    def __init__(self, tables: Tables) -> None:
        super().__init__(tables)
        self.refuse_next: str | None = None  # a constraint that refuses the next outreach row

    def reserve_outreach(
        self, therapist: Any, email_id: int, now: datetime, rules: OutreachRules
    ) -> None:
        refusal, self.refuse_next = self.refuse_next, None
        end = now + rules.email_gap
        if refusal or any(
            row["kind"] == "outreach"
            and row["channel"] == "email"
            and row["voided_at"] is None
            and row["therapist_id"] == therapist["therapist_id"]
            and row["blocks_from"] < end
            and now < row["blocks_until"]
            for row in self.tables.ledger
        ):
            raise Refused(refusal or OUTREACH_WINDOW)
        practice = therapist["practice_id"]
        self._add(
            therapist_id=therapist["therapist_id"],
            practice_id=practice,
            limit_practice_id=practice if rules.per_practice else None,
            channel="email",
            kind="outreach",
            email_id=email_id,
            blocks_from=now,
            blocks_until=end,
        )

    def last_outreach_at(self, therapist_id: int, practice_id: int | None) -> Any:
        starts = [
            row["blocks_from"]
            for row in self.tables.ledger
            if row["kind"] == "outreach"  # either channel, like the store
            and row["voided_at"] is None
            and (
                row["therapist_id"] == therapist_id
                or (
                    practice_id is not None
                    and practice_id in (row["limit_practice_id"], row.get("practice_id"))
                )
                or (practice_id is not None and self._member(row["therapist_id"], practice_id))
            )
        ]
        return max(starts, default=None)

    def _member(self, therapist_id: int, practice_id: int) -> bool:
        therapist = self.tables.therapists.get(therapist_id)
        return therapist is not None and therapist["practice_id"] == practice_id

    def void_email(self, email_id: int, now: datetime) -> None:
        for row in self.tables.ledger:
            if row["email_id"] == email_id and row["voided_at"] is None:
                row["voided_at"] = now

    def call_attempt(
        self,
        call_id: int,
        therapist: Any,
        purpose: CallPurpose,
        slot_start: datetime,
        slot: timedelta,
        now: datetime,
        occurred_at: datetime | None = None,
    ) -> None:
        self._add(
            therapist_id=therapist["therapist_id"],
            practice_id=therapist["practice_id"],
            channel="phone",
            kind=LEDGER_KIND[purpose],
            call_id=call_id,
            blocks_from=slot_start,
            blocks_until=slot_start + slot,
            occurred_at=occurred_at,
        )

    def void_call(self, call_id: int, now: datetime) -> None:
        for row in self.tables.ledger:
            if row["call_id"] == call_id and row["occurred_at"] is None and not row["voided_at"]:
                row["voided_at"] = now

    def record_response(
        self, therapist_id: int, channel: str, response_id: int, now: datetime
    ) -> None:
        self._add(
            therapist_id=therapist_id,
            channel=channel,
            kind="response",
            response_id=response_id,
            occurred_at=now,
        )

    def _add(self, **values: Any) -> None:
        row = {
            "id": self.next_id(),
            "practice_id": None,
            "limit_practice_id": None,
            "email_id": None,
            "call_id": None,
            "response_id": None,
            "blocks_from": None,
            "blocks_until": None,
            "occurred_at": None,
            "voided_at": None,
        }
        self.tables.ledger.append({**row, **values})


class FakeCalls(Store):
    """Calls; like the unique indexes, one scheduled call per slot and one call per e-mail."""

    def __init__(self, tables: Tables) -> None:
        super().__init__(tables)
        self.booked_elsewhere: set[datetime] = set()  # booked concurrently, not seen yet
        self.seen_elsewhere: set[datetime] = set()  # ... and seen after the refusal

    def booked_around(self, now: datetime, rules: CallRules) -> list[datetime]:
        scheduled = [
            row["slot_start"]
            for row in self.tables.calls.values()
            if row["state"] == CallState.SCHEDULED.value and row["slot_start"] is not None
        ]
        return scheduled + sorted(self.seen_elsewhere)

    def insert(
        self,
        therapist_id: int,
        purpose: CallPurpose,
        plan: CallPlan,
        now: datetime,
        email_id: int | None,
    ) -> int:
        if plan.slot_start in self.booked_elsewhere:
            self.booked_elsewhere.discard(plan.slot_start)
            self.seen_elsewhere.add(plan.slot_start)
            raise Refused(SLOT_TAKEN)
        if email_id is not None and any(
            row["email_id"] == email_id for row in self.tables.calls.values()
        ):
            raise Refused(EMAIL_TAKEN)
        flagged, reason = flag_of(plan)
        call_id = self.next_id()
        self.tables.calls[call_id] = {
            "id": call_id,
            "therapist_id": therapist_id,
            "purpose": purpose.value,
            "email_id": email_id,
            "state": CallState.SCHEDULED.value,
            "attempt": plan.attempt,
            "slot_start": plan.slot_start,
            "flagged_for_staff": flagged or plan.action is CallAction.NO_SLOT,
            "flag_reason": reason,
            "note": None,
            "closed_reason": None,
        }
        return call_id

    def add_requests(self, call_id: int, ids: list[int]) -> None:
        self.tables.call_requests += [(call_id, request_id) for request_id in ids]

    def carried_ids(self, call_id: int) -> list[int]:
        return [request for call, request in self.tables.call_requests if call == call_id]

    def row(self, call_id: int, lock: bool = False) -> Any:
        found = self.tables.calls.get(call_id)
        return dict(found) if found else None

    def update(self, call_id: int, now: datetime, **values: Any) -> None:
        self.tables.calls[call_id].update(values)

    def set_slot(self, call_id: int, plan: CallPlan, now: datetime) -> None:
        flagged, reason = flag_of(plan)
        self.update(
            call_id, now, slot_start=plan.slot_start, flagged_for_staff=flagged, flag_reason=reason
        )

    def cancel(self, call_id: int, now: datetime, why: str) -> None:
        self.update(call_id, now, state=CallState.CANCELLED.value, closed_reason=why)

    def scheduled_carrying(self, ids: list[int]) -> list[int]:
        carrying = {call for call, request in self.tables.call_requests if request in ids}
        return [call_id for call_id in sorted(carrying) if self._scheduled(call_id)]

    def remove_requests(self, call_id: int, ids: list[int]) -> None:
        self.tables.call_requests = [
            (call, request)
            for call, request in self.tables.call_requests
            if not (call == call_id and request in ids)
        ]

    def scheduled_of_therapist(self, therapist_id: int) -> list[tuple[int, str]]:
        return [
            (call_id, row["purpose"])
            for call_id, row in sorted(self.tables.calls.items())
            if row["therapist_id"] == therapist_id and self._scheduled(call_id)
        ]

    def scheduled_first_contact(self, therapist_id: int) -> Any:
        for call_id, purpose in self.scheduled_of_therapist(therapist_id):
            if purpose == CallPurpose.FIRST_CONTACT.value:
                return self.row(call_id)
        return None

    def _scheduled(self, call_id: int) -> bool:
        return self.tables.calls[call_id]["state"] == CallState.SCHEDULED.value


class FakeCallScans(Store):
    def __init__(self, tables: Tables, emails: FakeEmails) -> None:
        super().__init__(tables)
        self.emails = emails

    def sent_outreach(self, email_id: int) -> SentOutreach:
        row = self.tables.emails[email_id]
        ids = self.emails.carried_ids(email_id)
        open_ids = tuple(
            sorted(
                i for i in ids if self.tables.requests[i]["state"] == RequestState.IN_EMAIL.value
            )
        )
        answered = any(outcome["placement_request_id"] in ids for outcome in self.tables.outcomes)
        has_call = any(
            call["email_id"] == email_id and call["state"] != CallState.CANCELLED.value
            for call in self.tables.calls.values()
        )
        return SentOutreach(
            email_id, row["therapist_id"], row.get("sent_at"), open_ids, answered, has_call
        )

    def due_email_ids(self, now: datetime, rules: CallRules) -> list[int]:
        return [
            email_id
            for email_id, row in sorted(self.tables.emails.items())
            if row["purpose"] == OUTREACH
            and row["state"] == EmailState.SENT.value
            and row["sent_at"] <= now - rules.follow_up_after
        ]

    def therapists_awaiting_first_call(self) -> list[int]:
        in_calls = set(self.requests_in_live_calls())
        return sorted(
            {
                row["therapist_id"]
                for request_id, row in self.tables.requests.items()
                if row["state"] == RequestState.PHONE_PENDING.value and request_id not in in_calls
            }
        )

    def requests_in_live_calls(self) -> list[int]:
        return [
            request
            for call, request in self.tables.call_requests
            if self.tables.calls[call]["state"] != CallState.CANCELLED.value
        ]

    def overdue_call_ids(self, before: datetime) -> list[int]:
        return [
            call_id
            for call_id, row in sorted(self.tables.calls.items())
            if row["state"] == CallState.SCHEDULED.value
            and row["slot_start"] is not None
            and row["slot_start"] <= before
        ]

    def unslotted_call_ids(self) -> list[int]:
        return [
            call_id
            for call_id, row in sorted(self.tables.calls.items())
            if row["state"] == CallState.SCHEDULED.value and row["slot_start"] is None
        ]


class FakeResponses(Store):
    def contacted_ids(self, therapist_id: int, channel: str) -> set[int]:
        sent = {
            request
            for email, request in self.tables.email_requests
            if self.tables.emails[email]["therapist_id"] == therapist_id
            and self.tables.emails[email]["state"] == EmailState.SENT.value
        }
        if channel == "phone":
            sent |= {
                request_id
                for request_id, row in self.tables.requests.items()
                if row["therapist_id"] == therapist_id
                and row["state"] == RequestState.PHONE_PENDING.value
            }
        return sent

    def answered_among(self, ids: list[int]) -> list[int]:
        answered = {outcome["placement_request_id"] for outcome in self.tables.outcomes}
        return sorted(set(ids) & answered)

    def insert(self, data: ResponseInput, now: datetime) -> int:
        response_id = self.next_id()
        self.tables.responses[response_id] = {
            "id": response_id,
            "therapist_id": data.therapist_id,
            "channel": data.channel,
            "note": data.note,
            "recorded_by": data.actor,
            "recorded_at": now,
        }
        return response_id

    def add_outcome(self, response_id: int, item: ResponseOutcomeItem) -> None:
        self.tables.outcomes.append(
            {
                "response_id": response_id,
                "placement_request_id": item.placement_request_id,
                "patient_id": item.patient_id,
                "outcome": item.outcome.value,
            }
        )


class FakeErasure(Store):
    def response_ids(self, patient_id: int) -> list[int]:
        outcomes = self.tables.outcomes
        return sorted({row["response_id"] for row in outcomes if row["patient_id"] == patient_id})

    def call_ids(self, request_ids: list[int]) -> list[int]:
        return sorted(
            {call for call, request in self.tables.call_requests if request in request_ids}
        )

    def anonymise_requests(self, patient_id: int) -> int:
        mine = [row for row in self.tables.requests.values() if row["patient_id"] == patient_id]
        for row in mine:
            row["summary"] = {}
        return len(mine)

    def scrub_patient_emails(self, patient_id: int, now: datetime) -> int:
        mine = [
            row
            for row in self.tables.emails.values()
            if row["recipient"] == "patient" and row["patient_id"] == patient_id
        ]
        for row in mine:
            if row["state"] in UNSENT_STATES:
                row.update(state=EmailState.CANCELLED.value, cancelled_at=now)
            row.update(
                to_address=REDACTED_ADDRESS,
                subject=REDACTED,
                body_text=REDACTED,
                body_html=f"<p>{REDACTED}</p>",
                context={},
                last_error=None,
            )
        return len(mine)

    def composed_emails_carrying(self, request_ids: list[int]) -> list[int]:
        carrying = {
            email for email, request in self.tables.email_requests if request in request_ids
        }
        return [
            email_id
            for email_id in sorted(carrying)
            if self.tables.emails[email_id]["body_text"] is not None
        ]

    def redact_email(self, email_id: int, text: str, now: datetime) -> None:
        self.tables.emails[email_id].update(body_text=text, body_html=f"<p>{text}</p>")

    def drop_call_notes(self, call_ids: list[int]) -> int:
        return _drop_notes([self.tables.calls[call_id] for call_id in call_ids])

    def drop_answer_notes(self, response_ids: list[int]) -> int:
        return _drop_notes([self.tables.responses[response_id] for response_id in response_ids])

    def delete_stored_responses(self, response_ids: list[int], call_ids: list[int]) -> int:
        paths = {f"/api/phone-calls/{call_id}/outcome" for call_id in call_ids}
        before = len(self.tables.stored_responses)
        self.tables.stored_responses = [
            stored
            for stored in self.tables.stored_responses
            if stored["path"] not in paths
            and not (
                stored["path"] == "/api/responses"
                and stored["response"].get("response_id") in response_ids
            )
        ]
        return before - len(self.tables.stored_responses)


def _drop_notes(rows: list[dict[str, Any]]) -> int:
    noted = [row for row in rows if row["note"] is not None]
    for row in noted:
        row["note"] = None
    return len(noted)


class FakeCommunicationUnitOfWork(FakeUnitOfWork):
    """The stores of CommunicationUnitOfWork on one in-memory "database" shared by every
    transaction of a test; a savepoint refused by a (simulated) constraint is rolled back."""

    def __init__(self) -> None:
        super().__init__()
        self.tables = Tables()
        self.therapists = FakeTherapists(self.tables)
        self.cooling = FakeCooling(self.tables)
        self.requests = FakeRequests(self.tables)
        self.emails = FakeEmails(self.tables)
        self.ledger = FakeLedger(self.tables)
        self.calls = FakeCalls(self.tables)
        self.call_scans = FakeCallScans(self.tables, self.emails)
        self.responses = FakeResponses(self.tables)
        self.erasure = FakeErasure(self.tables)
        self.patients = FakePatients(self.tables)
        self.attention = FakeAttention(self.tables)

    @contextmanager
    def savepoint(self) -> Iterator[Savepoint]:
        outcome = Savepoint()
        snapshot = copy.deepcopy(self.tables.__dict__)
        try:
            yield outcome
        except Refused as exc:
            self.tables.__dict__.update(snapshot)
            outcome.refused = exc.constraint

    # Rows a test starts from ----------------------------------------------------------------

    def add_therapist(self, therapist_id: int, **fields: Any) -> int:
        self.tables.therapists[therapist_id] = {
            "therapist_id": therapist_id,
            "practice_id": None,
            "status": "active",
            "opted_out": False,
            "has_email": True,
            "has_phone": True,
            "preferred_channel": "email",
            "phone_hours": PHONE_HOURS,
            **fields,
        }
        return therapist_id

    def add_request(
        self,
        request_id: int,
        therapist_id: int,
        patient_id: int | None = None,
        state: RequestState = RequestState.WAITING,
        urgent: bool = False,
        waited_days: int = 10,
    ) -> int:
        self.tables.requests[request_id] = {
            "placement_request_id": request_id,
            "patient_id": patient_id or request_id + 1000,
            "therapist_id": therapist_id,
            "state": state.value,
            "urgent": urgent,
            "search_started_at": START - timedelta(days=waited_days),
            "created_at": START - timedelta(days=1),
            "summary": {"age": 34},
            "close_reason": None,
        }
        return request_id

    def add_sent_email(self, therapist_id: int, ids: list[int], sent_at: datetime) -> int:
        """An outreach e-mail sent at `sent_at` carrying `ids` (its ledger window took place)."""
        email_id = self.emails.create(OUTREACH, "therapist_single_inquiry", sent_at, therapist_id)
        self.emails.add_requests(email_id, ids)
        self.requests.set_state(ids, RequestState.IN_EMAIL, sent_at)
        self.tables.emails[email_id].update(
            state=EmailState.SENT.value, sent_at=sent_at, body_text="Anfrage", to_address="p@x.de"
        )
        therapist = self.tables.therapists[therapist_id]
        self.ledger.reserve_outreach(therapist, email_id, sent_at, OutreachRules())
        self.tables.ledger[-1]["occurred_at"] = sent_at
        return email_id

    def requests_in(self, state: RequestState) -> list[int]:
        rows = self.tables.requests.values()
        return sorted(row["placement_request_id"] for row in rows if row["state"] == state.value)


CALL_RULES = CallRules(slots=SlotRules(skip_holidays=False))


@dataclass
class FakeContext:
    """The parts of CommunicationContext the use cases read."""

    clock: FakeClock = field(default_factory=lambda: FakeClock(START))
    outreach_rules: OutreachRules = field(default_factory=OutreachRules)
    retry_rules: RetryRules = field(default_factory=RetryRules)
    call_rules: CallRules = CALL_RULES
    default_window: dict[str, list[str]] = field(
        default_factory=lambda: {"tue": ["10:00-12:00"], "thu": ["10:00-12:00"]}
    )
    uow: FakeCommunicationUnitOfWork = field(default_factory=FakeCommunicationUnitOfWork)

    def unit_of_work(self) -> FakeCommunicationUnitOfWork:
        return self.uow
