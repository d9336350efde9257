"""The placement requests communication contacts therapists about (fed by matching events)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from communication_service.domain.outreach import WaitingRequest
from communication_service.domain.requests import OPEN_STATES, RequestState
from communication_service.models import outreach_requests, request_tombstones
from shared.events.matching import CreatedPlacementRequest

REQUESTS = outreach_requests.c
TOMBSTONES = request_tombstones.c


class OutreachRequests:
    """Requests by id, by patient and by therapist, and their state changes."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def follow_profile(self, patient_id: int, urgent: bool, age: int | None) -> int:
        """The patient's latest urgency and age on every open request (the next e-mail orders
        and shows them); returns the requests changed."""
        open_states = [state.value for state in OPEN_STATES]
        summary = REQUESTS.summary.op("||")(func.jsonb_build_object("urgent", urgent, "age", age))
        result = self._session.execute(
            update(outreach_requests)
            .where(REQUESTS.patient_id == patient_id, REQUESTS.state.in_(open_states))
            .where(
                (REQUESTS.urgent.is_distinct_from(urgent))
                | (
                    REQUESTS.summary["age"].astext.is_distinct_from(
                        None if age is None else str(age)
                    )
                )
            )
            .values(urgent=urgent, summary=summary)
            .returning(REQUESTS.placement_request_id)
        )
        return len(result.all())

    def store_new(
        self, items: list[CreatedPlacementRequest], run_id: int, now: datetime
    ) -> set[int]:
        """New requests wait for contact; re-delivered ones are ignored; one withdrawn before
        it arrived (a tombstone) is stored closed, as withdrawn. Returns the therapists of the
        requests now waiting."""
        withdrawn = self._take_tombstones([item.placement_request_id for item in items])
        waiting: set[int] = set()
        for item in items:
            summary = item.patient.model_dump(mode="json")
            tombstone = withdrawn.get(item.placement_request_id)
            state = RequestState.WAITING.value if tombstone is None else tombstone["state"]
            self._session.execute(
                insert(outreach_requests)
                .values(
                    placement_request_id=item.placement_request_id,
                    patient_id=item.patient_id,
                    therapist_id=item.therapist_id,
                    run_id=run_id,
                    state=state,
                    urgent=item.patient.urgent,
                    search_started_at=item.patient.search_started_at,
                    summary=summary,
                    distance_km=item.distance_km,
                    created_at=now,
                    state_changed_at=now,
                    close_reason=None if tombstone is None else tombstone["reason"],
                )
                .on_conflict_do_nothing()
            )
            if tombstone is None:
                waiting.add(item.therapist_id)
        return waiting

    def leave_tombstones(
        self, ids: list[int], state: RequestState, reason: str | None, now: datetime
    ) -> None:
        """Withdrawals of requests not stored yet: their creation, when it comes, stores them
        closed (the first withdrawal wins)."""
        if not ids:
            return
        self._session.execute(
            insert(request_tombstones)
            .values(
                [
                    {
                        "placement_request_id": request_id,
                        "state": state.value,
                        "reason": reason,
                        "withdrawn_at": now,
                    }
                    for request_id in ids
                ]
            )
            .on_conflict_do_nothing()
        )

    def _take_tombstones(self, ids: list[int]) -> dict[int, Any]:
        """The tombstones of these requests, removed (their requests are being stored)."""
        if not ids:
            return {}
        rows = self._session.execute(
            delete(request_tombstones)
            .where(TOMBSTONES.placement_request_id.in_(ids))
            .returning(TOMBSTONES.placement_request_id, TOMBSTONES.state, TOMBSTONES.reason)
        ).mappings()
        return {row["placement_request_id"]: dict(row) for row in rows}

    def set_state(
        self, ids: list[int], state: RequestState, now: datetime, reason: str | None = None
    ) -> None:
        """Move requests to a new state."""
        if not ids:
            return
        self._session.execute(
            update(outreach_requests)
            .where(REQUESTS.placement_request_id.in_(ids))
            .values(state=state.value, state_changed_at=now, close_reason=reason)
        )

    def by_id(self, ids: list[int], lock: bool = False) -> list[Any]:
        """Stored requests in id order (optionally locked)."""
        query = (
            select(outreach_requests)
            .where(REQUESTS.placement_request_id.in_(ids))
            .order_by(REQUESTS.placement_request_id)
        )
        if lock:
            query = query.with_for_update()
        return list(self._session.execute(query).mappings())

    def open_ids_of_patient(self, patient_id: int, keep: int | None = None) -> list[int]:
        """The patient's requests that have not been closed (optionally all but one)."""
        query = select(REQUESTS.placement_request_id).where(
            REQUESTS.patient_id == patient_id,
            REQUESTS.state.in_([state.value for state in OPEN_STATES]),
        )
        if keep is not None:
            query = query.where(REQUESTS.placement_request_id != keep)
        return list(self._session.execute(query).scalars())

    def ids_of_patient(self, patient_id: int) -> list[int]:
        """Every request about the patient, whatever its state."""
        query = select(REQUESTS.placement_request_id).where(REQUESTS.patient_id == patient_id)
        return list(self._session.execute(query).scalars())

    def therapists_with_waiting(self) -> list[int]:
        """Therapists that have requests ready for contact."""
        query = (
            select(REQUESTS.therapist_id)
            .where(REQUESTS.state == RequestState.WAITING.value)
            .distinct()
        )
        return sorted(self._session.execute(query).scalars())

    def waiting_of(self, therapist_id: int) -> list[WaitingRequest]:
        """The therapist's requests ready for contact, locked for planning."""
        rows = self._session.execute(
            select(outreach_requests)
            .where(
                REQUESTS.therapist_id == therapist_id,
                REQUESTS.state == RequestState.WAITING.value,
            )
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

    def phone_pending_of(self, therapist_id: int) -> list[int]:
        """The therapist's requests waiting for a phone call, urgent and longest waiting first."""
        query = (
            select(REQUESTS.placement_request_id)
            .where(
                REQUESTS.therapist_id == therapist_id,
                REQUESTS.state == RequestState.PHONE_PENDING.value,
            )
            .order_by(
                REQUESTS.urgent.desc(), REQUESTS.search_started_at, REQUESTS.placement_request_id
            )
        )
        return list(self._session.execute(query).scalars())
