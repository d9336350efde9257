"""Open requests follow the patient's latest profile (issue 16, item 9): a patient who becomes
urgent, or a year older, is stored so on every open request, so the next e-mail orders (urgent
first) and shows them as they are now. Before this change both stayed as matching announced
them when the request was created."""

from __future__ import annotations

from datetime import timedelta

from integration.communication_service.helpers import START, request_item, requests_created
from sqlalchemy import select

from communication_service.models import outreach_requests
from shared.events.patient import PROFILE_EXAMPLE, PatientUpdated
from shared.unit_of_work import UnitOfWork


def stored(ctx, request_id: int) -> tuple[bool, int]:
    query = select(outreach_requests.c.urgent, outreach_requests.c.summary).where(
        outreach_requests.c.placement_request_id == request_id
    )
    with ctx.engine.connect() as conn:
        urgent, summary = conn.execute(query).one()
    return urgent, summary["age"]


def updated(patient_id: int, urgent: bool, age: int) -> PatientUpdated:
    return PatientUpdated.model_validate(
        {**PROFILE_EXAMPLE, "patient_id": patient_id, "urgent": urgent, "age": age}
    )


def deliver(ctx, handlers, event, at) -> None:
    envelope = event.envelope("patient_service", at)
    with UnitOfWork(ctx.session_factory) as uow:
        handlers[envelope.event_type](uow.session, envelope)
        uow.commit()


def test_an_open_request_takes_the_patients_latest_urgency_and_age(ctx, handlers, therapist):
    therapist_id = therapist()
    item = request_item(therapist_id)
    deliver(ctx, handlers, requests_created(item), START)
    assert stored(ctx, item["placement_request_id"]) == (False, 34)

    deliver(ctx, handlers, updated(item["patient_id"], True, 35), START + timedelta(hours=1))
    assert stored(ctx, item["placement_request_id"]) == (True, 35)

    # an older event delivered late changes nothing
    deliver(ctx, handlers, updated(item["patient_id"], False, 34), START + timedelta(minutes=30))
    assert stored(ctx, item["placement_request_id"]) == (True, 35)
