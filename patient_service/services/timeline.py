"""Timeline use cases: read a patient's history, and put therapists' answers onto it."""

from __future__ import annotations

from patient_service.context import PatientContext
from patient_service.domain.errors import PatientNotFound
from patient_service.domain.patients import Row
from patient_service.store.unit_of_work import PatientUnitOfWork
from shared.events.communication import TherapistResponseRecorded
from shared.events.envelope import Envelope


def patient_timeline(ctx: PatientContext, patient_id: int) -> tuple[Row, list[Row]]:
    """A patient and its audit entries plus consumed events, oldest first."""
    with ctx.unit_of_work() as uow:
        patient = uow.patients.load(patient_id)
        if patient is None:
            raise PatientNotFound(patient_id)
        return patient, uow.timeline.entries(patient_id)


def record_therapist_response(
    uow: PatientUnitOfWork, event: TherapistResponseRecorded, envelope: Envelope
) -> int:
    """A therapist's answer about some patients goes onto each known patient's timeline;
    returns how many timelines got it (unknown patients are skipped)."""
    recorded = 0
    with uow:
        for item in event.outcomes:
            if uow.patients.load(item.patient_id) is None:
                continue
            summary = {
                "therapist_id": event.therapist_id,
                "channel": event.channel.value,
                "outcome": item.outcome.value,
                "placement_request_id": item.placement_request_id,
            }
            uow.timeline.log_event(item.patient_id, envelope, summary)
            recorded += 1
        uow.commit()
    return recorded
