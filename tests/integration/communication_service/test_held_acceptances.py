"""An acceptance matching held back (the patient was paused when it arrived) reaches the staff
attention list once, even when communication did not know of the pause when the answer was
recorded (issue 16, item 1)."""

from __future__ import annotations

from integration.communication_service.helpers import START, feed
from sqlalchemy import select

from communication_service.models import attention_items
from shared.events.matching import AcceptanceHeld


def items_of(ctx, request_id: int) -> list[tuple[str, int]]:
    query = select(attention_items.c.reason, attention_items.c.patient_id).where(
        attention_items.c.placement_request_id == request_id
    )
    with ctx.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def test_a_held_acceptance_is_listed_for_staff_once(ctx, handlers):
    """Failed before this change: there was no such event, nothing was listed."""
    held = AcceptanceHeld(
        therapist_id=7,
        patient_id=4201,
        placement_request_id=99101,
        response_id=55,
        patient_status="paused",
        held_at=START,
    )
    feed(ctx, handlers, held)
    feed(ctx, handlers, held.model_copy())  # a second delivery (new event id) adds nothing
    assert items_of(ctx, 99101) == [("acceptance_while_paused", 4201)]
