"""Reactions to patient events: the patient's status is kept (it decides what a therapist's
acceptance does), and some changes send the patient an e-mail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from communication_service.store.unit_of_work import CommunicationUnitOfWork
from shared.clock import Clock


def patient_changed(
    uow: CommunicationUnitOfWork,
    clock: Clock,
    patient_id: int,
    status: str,
    occurred_at: datetime,
    template: str | None = None,
    context: dict[str, Any] | None = None,
    profile: tuple[bool, int | None] | None = None,
) -> None:
    """Store the status (newest wins), let the open requests follow the patient's latest
    `profile` (urgency, age), and queue the template's e-mail to the patient, if any."""
    with uow:
        newest = uow.patients.apply(patient_id, status, occurred_at)
        if newest and profile is not None:
            uow.requests.follow_profile(patient_id, *profile)
        if template is not None:
            uow.emails.create(
                "patient", template, clock.now(), patient_id=patient_id, context=context
            )
        uow.commit()
