"""Builders of the events this service writes to its outbox (ids, states and times only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from communication_service.domain.emails import Draft
from shared.events.communication import (
    CallCompleted,
    CallFailed,
    CallScheduled,
    CommunicationPatientErased,
    EmailFailed,
    EmailQueued,
    EmailSent,
    ResponseOutcomeItem,
    TherapistResponseRecorded,
)


def call_scheduled(
    call_id: int, therapist_id: int, ids: list[int], slot_start: datetime
) -> CallScheduled:
    """communication.call_scheduled (ids and the slot only)."""
    return CallScheduled(
        call_id=call_id,
        therapist_id=therapist_id,
        placement_request_ids=ids,
        scheduled_for=slot_start,
    )


def call_completed(call: Any, ids: list[int], now: datetime) -> CallCompleted:
    """communication.call_completed: the therapist was reached about these requests."""
    return CallCompleted(
        call_id=call["id"],
        therapist_id=call["therapist_id"],
        placement_request_ids=ids,
        attempt=call["attempt"],
        completed_at=now,
    )


def call_failed(call: Any, ids: list[int], final: bool, now: datetime) -> CallFailed:
    """communication.call_failed: not reached (`final`: the attempts are used up)."""
    return CallFailed(
        call_id=call["id"],
        therapist_id=call["therapist_id"],
        placement_request_ids=ids,
        attempt=call["attempt"],
        final=final,
        failed_at=now,
    )


def email_queued(draft: Draft, template: str, now: datetime) -> EmailQueued:
    """communication.email_queued (ids only)."""
    row = draft.row
    return EmailQueued(
        email_id=row["id"],
        purpose=row["purpose"],
        template=template,
        recipient=row["recipient"],
        therapist_id=row["therapist_id"],
        patient_id=row["patient_id"],
        placement_request_ids=draft.request_ids,
        queued_at=now,
    )


def email_sent(email_id: int, therapist_id: int, ids: list[int], now: datetime) -> EmailSent:
    """communication.email_sent: an outreach e-mail went out."""
    return EmailSent(
        email_id=email_id, therapist_id=therapist_id, placement_request_ids=ids, sent_at=now
    )


def email_failed(
    row: Any,
    ids: list[int],
    attempts: int,
    code: str,
    now: datetime,
    released: list[int] | None = None,
) -> EmailFailed:
    """communication.email_failed (ids and an error code only; the requests released)."""
    return EmailFailed(
        email_id=row["id"],
        purpose=row["purpose"],
        template=row["template"],
        recipient=row["recipient"],
        therapist_id=row["therapist_id"],
        patient_id=row["patient_id"],
        placement_request_ids=ids,
        attempts=attempts,
        error=code,
        failed_at=now,
        released_request_ids=released or [],
    )


def response_recorded(
    therapist_id: int,
    response_id: int,
    channel: str,
    items: list[ResponseOutcomeItem],
    now: datetime,
) -> TherapistResponseRecorded:
    """communication.therapist_response_recorded: one outcome per request."""
    return TherapistResponseRecorded(
        therapist_id=therapist_id,
        response_id=response_id,
        channel=channel,
        outcomes=items,
        recorded_at=now,
    )


def patient_erased(
    patient_id: int, completed_at: datetime, counts: dict[str, int]
) -> CommunicationPatientErased:
    """communication.patient_erased: what the erasure changed, as counts."""
    return CommunicationPatientErased(
        patient_id=patient_id, completed_at=completed_at, counts=counts
    )
