"""The matching service's unit of work: one transaction with the service's stores bound."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from matching_service.store.outbox import OutboxRows
from matching_service.store.patients import ExclusionStore, PatientStore
from matching_service.store.persist import CreatedEvents, NewRequests
from matching_service.store.requests import RequestStore
from matching_service.store.runs import RunStore
from matching_service.store.therapists import TherapistStore
from shared.outbox import OutboxWriter
from shared.unit_of_work import UnitOfWork


class MatchingUnitOfWork(UnitOfWork):
    """`uow.requests`, `.patients`, `.therapists`, `.exclusions`, `.runs`, `.new_requests`
    (bulk saving of a fill's picks), `.outbox` (its own rows) and `.events` on one session."""

    requests: RequestStore
    patients: PatientStore
    therapists: TherapistStore
    exclusions: ExclusionStore
    runs: RunStore
    new_requests: NewRequests
    outbox: OutboxRows

    def __init__(
        self,
        session_factory: Callable[[], Session],
        outbox: OutboxWriter | None = None,
        session: Session | None = None,
        created: CreatedEvents | None = None,
    ) -> None:
        super().__init__(session_factory, outbox, session)
        self.created = created

    def bind(self, session: Session) -> None:
        self.requests = RequestStore(session)
        self.patients = PatientStore(session)
        self.therapists = TherapistStore(session)
        self.exclusions = ExclusionStore(session)
        self.runs = RunStore(session)
        self.new_requests = NewRequests(session, self.created)
        self.outbox = OutboxRows(session)
