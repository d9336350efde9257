"""REST resources of the communication service, by URL."""

from __future__ import annotations

from communication_service.api.answer_links import AnswerPageResource
from communication_service.api.attention import (
    AttentionListResource,
    OpenContactListResource,
)
from communication_service.api.calls import (
    PhoneCallListResource,
    PhoneCallOutcomeResource,
    PhoneCallResource,
)
from communication_service.api.contacts import ContactHistoryResource
from communication_service.api.emails import EmailListResource, EmailResource, EmailRetryResource
from communication_service.api.privacy import PatientCommunicationsResource
from communication_service.api.responses import ResponseListResource
from communication_service.api.templates import TemplateListResource, TemplatePreviewResource
from shared.http.app_factory import Route

ROUTES: list[Route] = [
    (EmailListResource, "/api/emails"),
    (EmailResource, "/api/emails/<int:email_id>"),
    (EmailRetryResource, "/api/emails/<int:email_id>/retry"),
    (ContactHistoryResource, "/api/therapists/<int:therapist_id>/contact-history"),
    (TemplateListResource, "/api/templates"),
    (TemplatePreviewResource, "/api/templates/<string:name>/preview"),
    (ResponseListResource, "/api/responses"),
    (PhoneCallListResource, "/api/phone-calls"),
    (PhoneCallResource, "/api/phone-calls/<int:call_id>"),
    (PhoneCallOutcomeResource, "/api/phone-calls/<int:call_id>/outcome"),
    (PatientCommunicationsResource, "/api/patients/<int:patient_id>/communications"),
    (AttentionListResource, "/api/attention"),
    (OpenContactListResource, "/api/open-contacts"),
]
# Public (no bearer token; the signed link is the key): the answer page of outreach e-mails.
PUBLIC_ROUTES: list[Route] = [(AnswerPageResource, "/antwort/<string:token>")]
