"""What staff do to a placement request: cancel it (the patient gets a replacement)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from matching_service.domain.errors import RequestClosed, RequestNotFound
from matching_service.domain.states import RequestStatus, is_open
from matching_service.services import transitions
from matching_service.services.fill import FillSettings
from matching_service.services.reactions import refill
from matching_service.store.unit_of_work import MatchingUnitOfWork
from shared.vocabulary import CancelReason


def cancel_request(
    uow: MatchingUnitOfWork, fill: FillSettings, request_id: int, now: datetime
) -> dict[str, Any]:
    """Staff cancel one open request; the therapist is excluded for the patient (a staff
    decision, not a pause: the pair is not proposed again) and the patient gets a replacement."""
    with uow:
        request = uow.requests.locked(request_id)
        if request is None:
            raise RequestNotFound(request_id)
        if not is_open(request["status"]):
            raise RequestClosed(request_id, request["status"])
        transitions.move(uow, request, RequestStatus.CANCELLED, CancelReason.STAFF, now)
        uow.exclusions.add(request["patient_id"], request["therapist_id"], CancelReason.STAFF, now)
        refill(uow, fill, [request["patient_id"]], "staff_cancel", now)
        uow.commit()
    return {"id": request_id, "status": RequestStatus.CANCELLED.value}
