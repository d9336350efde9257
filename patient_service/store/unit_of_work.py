"""The patient service's unit of work: one transaction with every store of the service."""

from __future__ import annotations

from sqlalchemy.orm import Session

from patient_service.store.attention import AttentionItems
from patient_service.store.audit import AuditTrail
from patient_service.store.consents import Consents
from patient_service.store.erasure import ErasureRecords
from patient_service.store.patients import Patients
from patient_service.store.timeline import Timeline
from shared.unit_of_work import UnitOfWork


class PatientUnitOfWork(UnitOfWork):
    """`uow.patients`, `.consents`, `.timeline`, `.erasure`, `.audit_trail`, `.attention` and
    `.events`."""

    patients: Patients
    consents: Consents
    timeline: Timeline
    erasure: ErasureRecords
    audit_trail: AuditTrail
    attention: AttentionItems

    def bind(self, session: Session) -> None:
        self.patients = Patients(session)
        self.consents = Consents(session)
        self.timeline = Timeline(session)
        self.erasure = ErasureRecords(session)
        self.audit_trail = AuditTrail(session)
        self.attention = AttentionItems(session)
