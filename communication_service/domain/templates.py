"""The e-mail template catalogue and each template's data: greetings, pseudonymous summaries,
the therapist's contact data, and the sample data of the preview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from communication_service.domain import labels
from communication_service.domain.answer_links import AnswerLinkRules, EmailLinks, email_links
from communication_service.domain.errors import UnknownTemplate


@dataclass(frozen=True)
class TemplateSpec:
    """One e-mail template: who receives it, its subject and what it is for."""

    name: str
    audience: str  # therapist | patient
    subject: str  # a Jinja2 expression template (no escaping; newlines removed)
    description: str


SPECS = {
    spec.name: spec
    for spec in (
        TemplateSpec(
            "therapist_single_inquiry",
            "therapist",
            "Anfrage Therapieplatz (Referenz {{ patients[0].reference }})",
            "Outreach e-mail about one patient",
        ),
        TemplateSpec(
            "therapist_batch_inquiry",
            "therapist",
            "Sammelanfrage: Therapieplätze für {{ patients | length }} Personen",
            "Outreach e-mail about two to five patients",
        ),
        TemplateSpec(
            "therapist_reminder",
            "therapist",
            "Erinnerung: Anfrage Therapieplatz",
            "Reminder about an unanswered outreach e-mail",
        ),
        TemplateSpec(
            "therapist_place_taken",
            "therapist",
            "Therapieplatz wird nicht mehr benötigt (Referenz {{ reference }})",
            "To a therapist who accepted after the patient was placed",
        ),
        TemplateSpec(
            "patient_registration_confirmation",
            "patient",
            "Ihre Anmeldung ist bei uns eingegangen",
            "Registration confirmation",
        ),
        TemplateSpec(
            "patient_search_started",
            "patient",
            "Wir suchen jetzt einen Therapieplatz für Sie",
            "The search has started",
        ),
        TemplateSpec(
            "patient_placement_found",
            "patient",
            "Wir haben einen Therapieplatz für Sie gefunden",
            "Placement found, with the therapist's contact data and phone hours",
        ),
        TemplateSpec(
            "patient_search_paused",
            "patient",
            "Ihre Therapieplatzsuche ist pausiert",
            "The search is paused",
        ),
        TemplateSpec(
            "patient_search_ended",
            "patient",
            "Ihre Therapieplatzsuche ist beendet",
            "The search ended without a place",
        ),
    )
}


SAMPLE_REQUESTS: list[dict[str, Any]] = [
    {
        "placement_request_id": 501,
        "distance_km": 3.4,
        "summary": {
            "age": 34,
            "gender": "female",
            "insurance_type": "statutory",
            "complaint_groups": ["mood", "sleep"],
            "urgent": True,
            "availability": {"mon": ["09:00-12:00"], "thu": ["14:00-18:00"]},
        },
    },
    {
        "placement_request_id": 502,
        "distance_km": 11.0,
        "summary": {
            "age": 52,
            "gender": "male",
            "insurance_type": "private",
            "complaint_groups": ["anxiety"],
            "availability": {},
        },
    },
]
SAMPLE_THERAPIST = {
    "salutation": "Frau",
    "title": "Dr.",
    "first_name": "Miriam",
    "last_name": "Beispiel",
    "street": "Musterstraße",
    "house_number": "1",
    "postal_code": "52062",
    "city": "Aachen",
    "phone": "+492411234567",
    "email": "praxis@beispiel.example",
    "phone_hours": {"mon": ["08:00-08:50"], "wed": ["14:00-14:50"]},
}
SAMPLE_PATIENT = {"salutation": "Frau", "first_name": "Erika", "last_name": "Mustermann"}
SAMPLE_LINK_RULES = AnswerLinkRules("https://vermittlung.example", 28, 3600, "0241 000000")


def sample_context(name: str) -> dict[str, Any]:
    """Sample data for the preview endpoint and the render tests."""
    if name not in SPECS:
        raise UnknownTemplate(name)
    spec = SPECS[name]
    if spec.audience == "therapist":
        requests = SAMPLE_REQUESTS[:1] if name == "therapist_single_inquiry" else SAMPLE_REQUESTS
        links = None
        if name != "therapist_place_taken":
            ids = [request["placement_request_id"] for request in requests]
            links = email_links(SAMPLE_LINK_RULES, "BEISPIEL", ids)
        return therapist_context(
            SAMPLE_THERAPIST, requests, links=links, first_contact_date="05.01.2026"
        )
    return patient_context(SAMPLE_PATIENT, 42, therapist=SAMPLE_THERAPIST)


def therapist_context(
    therapist: dict[str, Any] | None,
    requests: list[dict[str, Any]],
    links: EmailLinks | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Greeting and pseudonymous patient summaries (no names or contact data of patients);
    with `links` (outreach and reminders only) each patient's answer links and the overview."""
    patients = [
        {
            **labels.summary_view(request),
            "answer_links": links.per_request.get(request["placement_request_id"], [])
            if links
            else [],
        }
        for request in requests
    ]
    reference = patients[0]["reference"] if patients else ""
    return {
        "greeting": labels.therapist_greeting(therapist),
        "patients": patients,
        "reference": reference,
        "first_contact_date": "",
        "overview_url": links.overview_url if links else "",
        **extra,
    }


def patient_context(
    patient: dict[str, Any] | None, patient_id: int, therapist: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Greeting, case number and (for "placement found") the therapist's contact data."""
    contact = labels.therapist_contact_view(therapist) if therapist else None
    return {
        "greeting": labels.patient_greeting(patient),
        "patient_reference": labels.patient_reference(patient_id),
        "therapist": contact,
    }
