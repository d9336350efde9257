"""REST resources of the patient service."""

from __future__ import annotations

from flask_restful import Api

from patient_service.api.actions import (
    PatientConsentResource,
    PatientConsentWithdrawalResource,
    PatientStatusResource,
    PatientTimelineResource,
)
from patient_service.api.catalogue import SymptomListResource
from patient_service.api.patients import PatientListResource, PatientResource
from patient_service.api.privacy import PatientErasureResource, PatientExportResource


def register_routes(api: Api) -> None:
    """Add this service's resources to the app."""
    api.add_resource(PatientListResource, "/api/patients")
    api.add_resource(PatientResource, "/api/patients/<int:patient_id>")
    api.add_resource(PatientStatusResource, "/api/patients/<int:patient_id>/status")
    api.add_resource(PatientTimelineResource, "/api/patients/<int:patient_id>/timeline")
    api.add_resource(PatientConsentResource, "/api/patients/<int:patient_id>/consent")
    api.add_resource(
        PatientConsentWithdrawalResource, "/api/patients/<int:patient_id>/consent/withdrawal"
    )
    api.add_resource(PatientErasureResource, "/api/patients/<int:patient_id>/erasure")
    api.add_resource(PatientExportResource, "/api/patients/<int:patient_id>/export")
    api.add_resource(SymptomListResource, "/api/symptoms")
