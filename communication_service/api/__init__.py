"""REST resources of the communication service."""

from __future__ import annotations

from flask_restful import Api

from communication_service.api.calls import (
    PhoneCallListResource,
    PhoneCallOutcomeResource,
    PhoneCallResource,
)
from communication_service.api.privacy import PatientCommunicationsResource
from communication_service.api.resources import (
    ContactHistoryResource,
    EmailListResource,
    EmailResource,
    EmailRetryResource,
    ResponseListResource,
    TemplateListResource,
    TemplatePreviewResource,
)


def register_routes(api: Api) -> None:
    """Add this service's resources to the app."""
    api.add_resource(EmailListResource, "/api/emails")
    api.add_resource(EmailResource, "/api/emails/<int:email_id>")
    api.add_resource(EmailRetryResource, "/api/emails/<int:email_id>/retry")
    api.add_resource(ContactHistoryResource, "/api/therapists/<int:therapist_id>/contact-history")
    api.add_resource(TemplateListResource, "/api/templates")
    api.add_resource(TemplatePreviewResource, "/api/templates/<string:name>/preview")
    api.add_resource(ResponseListResource, "/api/responses")
    api.add_resource(PhoneCallListResource, "/api/phone-calls")
    api.add_resource(PhoneCallResource, "/api/phone-calls/<int:call_id>")
    api.add_resource(PhoneCallOutcomeResource, "/api/phone-calls/<int:call_id>/outcome")
    api.add_resource(PatientCommunicationsResource, "/api/patients/<int:patient_id>/communications")
