"""matching.acceptance_held: an acceptance matching did not apply (the patient was not
searching when it arrived). Communication may not have known that yet when staff recorded the
answer, so the attention item is added here, once per request."""

from __future__ import annotations

from communication_service.store.unit_of_work import CommunicationUnitOfWork
from shared.clock import Clock
from shared.events.matching import AcceptanceHeld
from shared.vocabulary import AttentionReason


def hold_for_staff(uow: CommunicationUnitOfWork, clock: Clock, event: AcceptanceHeld) -> bool:
    """The attention item of the held acceptance; False when it is listed already."""
    reason = (
        AttentionReason.ACCEPTANCE_WHILE_PAUSED
        if event.patient_status == "paused"
        else AttentionReason.ACCEPTANCE_WHILE_NOT_SEARCHING
    )
    with uow:
        added = uow.attention.add_once(
            reason.value,
            clock.now(),
            therapist_id=event.therapist_id,
            patient_id=event.patient_id,
            placement_request_id=event.placement_request_id,
            response_id=event.response_id,
        )
        uow.commit()
    return added
