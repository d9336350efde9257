"""The therapist service's unit of work: one transaction with the therapist stores."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shared.unit_of_work import UnitOfWork
from therapist_service.store.history import AuditLog, ChangeHistory
from therapist_service.store.practices import Practices
from therapist_service.store.search import TherapistSearch
from therapist_service.store.therapists import TherapistRows


class TherapistUnitOfWork(UnitOfWork):
    """`uow.therapists`, `uow.changes`, `uow.audit`, `uow.practices`, `uow.search` and
    `uow.events` on one session."""

    therapists: TherapistRows
    changes: ChangeHistory
    audit: AuditLog
    practices: Practices
    search: TherapistSearch

    def bind(self, session: Session) -> None:
        self.therapists = TherapistRows(session)
        self.changes = ChangeHistory(session)
        self.audit = AuditLog(session)
        self.practices = Practices(session)
        self.search = TherapistSearch(session)
