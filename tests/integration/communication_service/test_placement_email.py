"""The "placement found" e-mail to the patient goes out only once the patient service has
confirmed `placed` (issue 16, item 6): matching's placement_confirmed alone sends nothing, and a
manual placement by staff (patient.placed without matching) sends it too."""

from __future__ import annotations

from datetime import timedelta

from integration.communication_service.helpers import START, feed
from sqlalchemy import select

from communication_service.models import emails
from shared.events.matching import PlacementConfirmed
from shared.events.patient import PROFILE_EXAMPLE, PatientPlaced


def patient_emails(ctx, patient_id: int) -> list[tuple[str, dict]]:
    query = select(emails.c.template, emails.c.context).where(
        emails.c.patient_id == patient_id, emails.c.recipient == "patient"
    )
    with ctx.engine.connect() as conn:
        return [(row.template, row.context) for row in conn.execute(query)]


def placed(patient_id: int, therapist_id: int) -> PatientPlaced:
    return PatientPlaced(
        **{**PROFILE_EXAMPLE, "patient_id": patient_id, "status": "placed"},
        therapist_id=therapist_id,
        placed_at=START + timedelta(days=1),
    )


def test_matchings_placement_alone_sends_no_placement_email(ctx, handlers):
    """Failed before this change: the e-mail was queued on placement_confirmed, before the
    patient service had applied (or refused: paused meanwhile) the placement."""
    confirmed = PlacementConfirmed(
        patient_id=4101, therapist_id=7, placement_request_id=88, confirmed_at=START
    )
    feed(ctx, handlers, confirmed)
    assert patient_emails(ctx, 4101) == []


def test_the_patient_services_confirmation_sends_it_also_for_a_manual_placement(ctx, handlers):
    """Failed before this change: a placement by staff (patient.placed) sent no e-mail."""
    feed(ctx, handlers, placed(4102, 9), producer="patient_service")
    [(template, context)] = patient_emails(ctx, 4102)
    assert template == "patient_placement_found" and context["therapist_id"] == 9
