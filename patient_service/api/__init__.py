"""REST resources of the patient service, by URL."""

from __future__ import annotations

from patient_service.api.attention import (
    AttentionListResource,
    PatientCrisisAcknowledgementResource,
)
from patient_service.api.catalogue import SymptomListResource
from patient_service.api.consents import PatientConsentResource, PatientConsentWithdrawalResource
from patient_service.api.lifecycle import PatientStatusResource
from patient_service.api.patients import PatientListResource, PatientResource
from patient_service.api.privacy import PatientErasureResource, PatientExportResource
from patient_service.api.timeline import PatientTimelineResource
from shared.http.app_factory import Route

ROUTES: list[Route] = [
    (PatientListResource, "/api/patients"),
    (PatientResource, "/api/patients/<int:patient_id>"),
    (PatientStatusResource, "/api/patients/<int:patient_id>/status"),
    (PatientTimelineResource, "/api/patients/<int:patient_id>/timeline"),
    (PatientConsentResource, "/api/patients/<int:patient_id>/consent"),
    (PatientConsentWithdrawalResource, "/api/patients/<int:patient_id>/consent/withdrawal"),
    (PatientErasureResource, "/api/patients/<int:patient_id>/erasure"),
    (PatientExportResource, "/api/patients/<int:patient_id>/export"),
    (PatientCrisisAcknowledgementResource, "/api/patients/<int:patient_id>/crisis/acknowledge"),
    (SymptomListResource, "/api/symptoms"),
    (AttentionListResource, "/api/attention"),
]
