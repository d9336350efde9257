"""Placement request transitions inside a use case's unit of work: each move stores the new
status and records its event (terminal states never change)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from matching_service.domain.states import (
    NOT_CONTACTED,
    OPEN,
    RequestStatus,
    after_contact_event,
    close,
)
from matching_service.store import events
from matching_service.store.unit_of_work import MatchingUnitOfWork

Row = Mapping[str, Any]


def move(
    uow: MatchingUnitOfWork,
    request: Row,
    status: RequestStatus,
    reason: str | None,
    now: datetime,
) -> None:
    """Store one request's new status and record the event of the move."""
    uow.requests.set_status(request["id"], status, reason, now)
    uow.events.add(events.status_changed(request, status, reason, now), now)


def cancel_all(
    uow: MatchingUnitOfWork, requests: Iterable[Row], reason: str, now: datetime
) -> list[Row]:
    """Cancel these (open, locked) requests; return them."""
    cancelled = list(requests)
    for request in cancelled:
        move(uow, request, RequestStatus.CANCELLED, reason, now)
    return cancelled


def cancel_for_patient(uow: MatchingUnitOfWork, patient_id: int, reason: str, now: datetime) -> int:
    """Cancel every open request of a patient; how many."""
    return len(cancel_all(uow, uow.requests.locked_of_patient(patient_id), reason, now))


def therapist_unavailable(
    uow: MatchingUnitOfWork, therapist_id: int, reason: str, now: datetime
) -> list[int]:
    """Cancel the therapist's requests not yet contacted, flag the contacted ones; return the
    patients whose requests were cancelled."""
    waiting = uow.requests.locked_of_therapist(therapist_id, statuses=NOT_CONTACTED)
    cancelled = cancel_all(uow, waiting, reason, now)
    uow.requests.mark_therapist_unavailable(therapist_id, now)
    return sorted({request["patient_id"] for request in cancelled})


def cancel_not_contacted(
    uow: MatchingUnitOfWork, therapist_id: int, request_ids: list[int], reason: str, now: datetime
) -> list[int]:
    """Cancel these requests of a therapist if they were never contacted; their patients."""
    if not request_ids:
        return []
    waiting = uow.requests.locked_of_therapist(therapist_id, NOT_CONTACTED, request_ids)
    return sorted({request["patient_id"] for request in cancel_all(uow, waiting, reason, now)})


def apply_contact(
    uow: MatchingUnitOfWork,
    kind: str,
    therapist_id: int,
    request_ids: list[int],
    at: datetime,
    now: datetime,
) -> None:
    """email_sent / call_scheduled / call_completed for some requests of one therapist."""
    for request in uow.requests.locked_of_therapist(therapist_id, request_ids=request_ids):
        target = after_contact_event(request["status"], kind)
        if target is None:
            continue
        move(uow, request, target, kind, now)
        _stamp_contact(uow, request, target, at)


def _stamp_contact(
    uow: MatchingUnitOfWork, request: Row, target: RequestStatus, at: datetime
) -> None:
    if target == RequestStatus.FOLLOW_UP_SCHEDULED:
        uow.requests.set_follow_up(request["id"], at)
    if target == RequestStatus.CONTACTED and request["contacted_at"] is None:
        uow.requests.set_first_contact(request["id"], at)
        uow.therapists.count_contact(request["therapist_id"])


def mark_no_response(
    uow: MatchingUnitOfWork, therapist_id: int, request_ids: list[int], now: datetime
) -> list[int]:
    """The last call attempt failed: its open requests end as no_response; their patients."""
    requests = uow.requests.locked_of_therapist(therapist_id, OPEN, request_ids)
    for request in requests:
        move(uow, request, RequestStatus.NO_RESPONSE, "call_attempts_exhausted", now)
    return sorted({request["patient_id"] for request in requests})


def expire_due(
    uow: MatchingUnitOfWork, now: datetime, expiry_days: int, limit: int = 5000
) -> list[int]:
    """Expire open requests first contacted `expiry_days` ago or earlier; their patients."""
    requests = uow.requests.due_for_expiry(now - timedelta(days=expiry_days), limit)
    for request in requests:
        if close(request["status"], RequestStatus.EXPIRED):
            move(uow, request, RequestStatus.EXPIRED, "no_answer", now)
    return sorted({request["patient_id"] for request in requests})


def start_cooling(
    uow: MatchingUnitOfWork,
    therapist_id: int,
    response_id: int,
    answered_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> bool:
    """Record a cooling period once per response (extending the therapist's); False when this
    response started one already."""
    if not uow.therapists.start_cooling(therapist_id, response_id, answered_at, ends_at, now):
        return False
    uow.events.add(events.cooling_started(therapist_id, response_id, answered_at, ends_at), now)
    return True
