"""The daily birthday announcement: a patient's age is part of the matching profile and changes
without any edit, so matching re-checks the age rule of the open requests (a patient who turns
18 or 21 moves to other offers) only if it hears about it."""

from __future__ import annotations

from datetime import datetime

from patient_service.context import PatientContext
from patient_service.domain.dates import birthdays_on, local_today
from patient_service.services.changes import emit
from shared.patient_vocabulary import PatientStatus

# Whose age matters to matching now: searching patients (open requests) and paused ones.
ANNOUNCED = [PatientStatus.SEARCHING.value, PatientStatus.PAUSED.value]


def announce_birthdays(ctx: PatientContext, now: datetime) -> dict[str, int]:
    """patient.updated (changed_fields ["age"]) for every patient whose age changes today."""
    with ctx.unit_of_work() as uow:
        rows = uow.patients.having_birthday(birthdays_on(local_today(now)), ANNOUNCED)
        for row in rows:
            emit(uow, "updated", row, now, changed_fields=["age"])
        uow.commit()
    return {"announced": len(rows)}
