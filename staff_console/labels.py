"""German labels of the services' enum values, one place for every page (the values
themselves come from the services: shared.vocabulary, shared.patient_vocabulary)."""

from __future__ import annotations

from shared.patient_vocabulary import SYMPTOMS
from shared.vocabulary import CancelReason

STATUS_LABELS = {
    "registered": "erfasst",
    "searching": "sucht",
    "paused": "pausiert",
    "placed": "vermittelt",
    "in_therapy": "in Therapie",
    "completed": "abgeschlossen",
    "cancelled": "beendet",
}
REQUEST_LABELS = {
    "proposed": "vorgeschlagen",
    "queued": "eingeplant",
    "contacted": "angefragt",
    "follow_up_scheduled": "Nachfass-Anruf geplant",
    "accepted": "Zusage",
    "rejected": "Absage",
    "no_response": "ohne Antwort",
    "expired": "verfallen",
    "cancelled": "storniert",
}
GENDER_LABELS = {
    "female": "weiblich",
    "male": "männlich",
    "diverse": "divers",
    "unspecified": "keine Angabe",
}
INSURANCE_LABELS = {"statutory": "gesetzlich", "private": "privat", "self_pay": "Selbstzahlung"}
THERAPIST_GENDER_LABELS = {"any": "egal", "female": "weiblich", "male": "männlich"}
TRAVEL_LABELS = {
    "public_transport": "öffentliche Verkehrsmittel",
    "car": "Auto",
    "bicycle": "Fahrrad",
    "walk": "zu Fuß",
}
PROCEDURE_LABELS = {
    "VT": "Verhaltenstherapie (VT)",
    "TP": "Tiefenpsychologisch fundiert (TP)",
    "AP": "Analytische Psychotherapie (AP)",
    "ST": "Systemische Therapie (ST)",
}
WEEKDAYS = (
    ("mon", "Montag"),
    ("tue", "Dienstag"),
    ("wed", "Mittwoch"),
    ("thu", "Donnerstag"),
    ("fri", "Freitag"),
    ("sat", "Samstag"),
    ("sun", "Sonntag"),
)
CRITERION_LABELS = {
    "exclusions": "Ausschlüsse",
    "status": "Status der Praxis",
    "insurance": "Versicherung",
    "accessibility": "Barrierefreiheit",
    "therapist_gender": "Geschlecht der Therapeut:in",
    "language": "Sprache",
    "therapist_wishes": "Wünsche der Praxis",
    "distance": "Entfernung",
    "procedure": "Verfahren",
    "age_group": "Altersgruppe",
    "setting": "Setting (Einzel/Gruppe)",
    "availability": "Zeiten",
}
EMAIL_LABELS = {
    "draft": "Entwurf",
    "queued": "geplant",
    "sending": "wird gesendet",
    "sent": "gesendet",
    "failed": "fehlgeschlagen",
    "cancelled": "storniert",
}
CALL_LABELS = {
    "scheduled": "geplant",
    "completed": "erledigt",
    "failed": "fehlgeschlagen",
    "cancelled": "storniert",
}
SYMPTOM_LABELS = {code.value: info.label_de for code, info in SYMPTOMS.items()}
TIMELINE_LABELS = {
    "created": "erfasst",
    "status_changed": "Status geändert",
    "status_republished": "Status erneut gemeldet",
    "updated": "Angaben geändert",
    "consent_given": "Einwilligung erteilt",
    "consent_withdrawn": "Einwilligung widerrufen",
    "crisis_acknowledged": "Krisenhinweis bestätigt",
    "erased": "Daten gelöscht",
    "patient.registered": "Patient:in erfasst",
    "patient.search_started": "Suche gestartet",
    "patient.search_paused": "Suche pausiert",
    "patient.search_resumed": "Suche fortgesetzt",
    "patient.search_cancelled": "Suche beendet",
    "patient.placed": "vermittelt",
    "patient.placement_refused": "Vermittlung abgelehnt",
    "patient.updated": "Angaben geändert",
    "matching.placement_requests_created": "Platzanfragen erstellt",
    "matching.placement_request_status_changed": "Platzanfrage geändert",
    "matching.placement_request_cancelled": "Platzanfrage storniert",
    "matching.placement_request_expired": "Platzanfrage verfallen",
    "matching.placement_confirmed": "Vermittlung bestätigt",
    "matching.acceptance_held": "Zusage zurückgehalten",
    "communication.email_queued": "E-Mail geplant",
    "communication.email_sent": "E-Mail gesendet",
    "communication.email_failed": "E-Mail fehlgeschlagen",
    "communication.call_scheduled": "Anruf geplant",
    "communication.call_completed": "Anruf erledigt",
    "communication.call_failed": "Anruf fehlgeschlagen",
    "communication.therapist_response_recorded": "Antwort der Praxis erfasst",
}

# The therapist's answer about one patient (shared.vocabulary.ResponseOutcome), in German.
OUTCOMES = (
    ("accepted", "Zusage"),
    ("rejected_no_capacity", "kein Platz frei"),
    ("rejected_not_suitable", "passt nicht"),
    ("rejected_other", "andere Absage"),
    ("no_show", "nicht erschienen"),
)
OUTCOME_LABELS = dict(OUTCOMES)
CHANNEL_LABELS = {"email": "E-Mail", "phone": "Telefon", "link": "Antwort-Link der E-Mail"}
# Why a placement request ended (matching's `close_reason`: an answer or a cancellation).
CLOSE_REASON_LABELS = {
    **OUTCOME_LABELS,
    "late_acceptance": "späte Zusage",
    CancelReason.PATIENT_PAUSED: "Suche pausiert",
    CancelReason.PATIENT_CANCELLED: "Suche beendet",
    CancelReason.PATIENT_PLACED: "anderweitig vermittelt",
    CancelReason.PATIENT_NOT_SEARCHING: "Patient:in sucht nicht mehr",
    CancelReason.PATIENT_ERASED: "Daten gelöscht",
    CancelReason.PLACED_ELSEWHERE: "Zusage nach anderweitiger Vermittlung",
    CancelReason.THERAPIST_BLOCKED: "Praxis gesperrt",
    CancelReason.THERAPIST_DEACTIVATED: "Praxis inaktiv",
    CancelReason.THERAPIST_OPTED_OUT: "Praxis möchte nicht angefragt werden",
    CancelReason.CRITERIA_CHANGED: "Kriterien passen nicht mehr",
    CancelReason.STAFF: "vom Team storniert",
}
