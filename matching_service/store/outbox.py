"""The matching outbox's own rows: what erasure takes out of them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from matching_service.models import infrastructure
from shared.events.matching import PlacementRequestsCreated
from shared.outbox import erase_patient_profiles

OUTBOX = infrastructure["outbox"]
# The events of this service that carry a patient's pseudonymous profile.
PROFILE_EVENTS = (PlacementRequestsCreated.event_type,)


class OutboxRows:
    """Rows of `matching_service.outbox`, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def erase_patient(self, patient_id: int) -> int:
        """Remove the patient's profile from every row (published or not); returns rows changed."""
        return erase_patient_profiles(self._session, OUTBOX, patient_id, PROFILE_EVENTS)
