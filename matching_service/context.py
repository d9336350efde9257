"""What the matching service's use cases, resources and jobs receive."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from matching_service.config import Settings
from matching_service.domain.profiles import Rules
from matching_service.store.persist import CreatedEvents
from matching_service.store.therapist_cache import TherapistCache
from matching_service.store.unit_of_work import MatchingUnitOfWork
from shared.context import ServiceContext


@dataclass(kw_only=True)
class MatchingContext(ServiceContext):
    """The shared parts plus the matching rules, the process's therapist index cache (None:
    every fill reads the index from the database) and the format of the created events."""

    settings: Settings
    rules: Rules
    therapists: TherapistCache | None
    created_events: CreatedEvents

    def unit_of_work(self) -> MatchingUnitOfWork:
        return MatchingUnitOfWork(self.session_factory, self.outbox, created=self.created_events)

    def unit_of_work_on(self, session: Session) -> MatchingUnitOfWork:
        return MatchingUnitOfWork(
            lambda: session, self.outbox, session, created=self.created_events
        )
