"""What the therapist service's use cases, resources and handlers receive."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from shared.context import ServiceContext
from therapist_service.config import Settings
from therapist_service.store.unit_of_work import TherapistUnitOfWork


@dataclass(kw_only=True)
class TherapistContext(ServiceContext):
    """The shared parts with this service's settings (it has no clients and no jobs)."""

    settings: Settings

    def unit_of_work(self) -> TherapistUnitOfWork:
        return TherapistUnitOfWork(self.session_factory, self.outbox)

    def unit_of_work_on(self, session: Session) -> TherapistUnitOfWork:
        return TherapistUnitOfWork.joined(session, self.outbox)
