"""What the patient service's use cases, resources and jobs receive."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from patient_service.clients.cases import CaseReads
from patient_service.clients.geocoding import Geocoder
from patient_service.clients.peers import Peers
from patient_service.config import Settings
from patient_service.store.unit_of_work import PatientUnitOfWork
from shared.context import ServiceContext


@dataclass(kw_only=True)
class PatientContext(ServiceContext):
    """The shared parts plus the geocoding client, the export's reads of the other services and
    the consistency check's reads of open requests and contacts."""

    settings: Settings
    geocoder: Geocoder
    peers: Peers
    cases: CaseReads

    def unit_of_work(self) -> PatientUnitOfWork:
        return PatientUnitOfWork(self.session_factory, self.outbox)

    def unit_of_work_on(self, session: Session) -> PatientUnitOfWork:
        return PatientUnitOfWork.joined(session, self.outbox)
