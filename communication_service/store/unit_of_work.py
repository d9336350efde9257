"""The communication service's unit of work: one transaction with every store of the schema,
and savepoints for the changes a constraint may refuse."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from communication_service.store.answer_links import AnswerLinks
from communication_service.store.attention import AttentionItems
from communication_service.store.call_scans import CallScans
from communication_service.store.call_views import CallViews
from communication_service.store.calls import Calls
from communication_service.store.deliveries import Deliveries
from communication_service.store.email_views import EmailViews
from communication_service.store.emails import Emails
from communication_service.store.erasure import PatientErasure
from communication_service.store.ledger import ContactLedger
from communication_service.store.patient_records import PatientRecords
from communication_service.store.patients import PatientStatuses
from communication_service.store.requests import OutreachRequests
from communication_service.store.responses import Responses
from communication_service.store.therapists import CoolingPeriods, Therapists
from shared.unit_of_work import UnitOfWork


@dataclass
class Savepoint:
    """The outcome of a savepoint: `refused` names the constraint that rolled it back."""

    refused: str | None = None
    error: IntegrityError | None = None


class CommunicationUnitOfWork(UnitOfWork):
    """`uow.<store>` for every table group and `uow.events` on one session."""

    therapists: Therapists
    cooling: CoolingPeriods
    requests: OutreachRequests
    emails: Emails
    deliveries: Deliveries
    ledger: ContactLedger
    calls: Calls
    call_scans: CallScans
    responses: Responses
    erasure: PatientErasure
    patient_records: PatientRecords
    email_views: EmailViews
    call_views: CallViews
    patients: PatientStatuses
    attention: AttentionItems
    answer_links: AnswerLinks

    def bind(self, session: Session) -> None:
        self.therapists = Therapists(session)
        self.cooling = CoolingPeriods(session)
        self.requests = OutreachRequests(session)
        self.emails = Emails(session)
        self.deliveries = Deliveries(session)
        self.ledger = ContactLedger(session)
        self.calls = Calls(session)
        self.call_scans = CallScans(session)
        self.responses = Responses(session)
        self.erasure = PatientErasure(session)
        self.patient_records = PatientRecords(session)
        self.email_views = EmailViews(session)
        self.call_views = CallViews(session)
        self.patients = PatientStatuses(session)
        self.attention = AttentionItems(session)
        self.answer_links = AnswerLinks(session)

    @contextmanager
    def savepoint(self) -> Iterator[Savepoint]:
        """Changes that the database may refuse as a whole (an exclusion constraint, a unique
        index): on an IntegrityError they are rolled back and `refused` names the constraint."""
        outcome = Savepoint()
        try:
            with self.session.begin_nested():
                yield outcome
        except IntegrityError as exc:
            outcome.refused = constraint_of(exc) or "integrity_error"
            outcome.error = exc


def constraint_of(exc: IntegrityError) -> str | None:
    """The name of the constraint PostgreSQL reported."""
    diag = getattr(exc.orig, "diag", None)
    return getattr(diag, "constraint_name", None)
