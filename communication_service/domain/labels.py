"""German labels for the pseudonymous patient summary and the weekly windows in e-mails."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

GENDERS = {
    "female": "weiblich",
    "male": "männlich",
    "diverse": "divers",
    "unspecified": "keine Angabe",
}
INSURANCE = {
    "statutory": "gesetzlich versichert (GKV)",
    "private": "privat versichert (PKV)",
    "self_pay": "Selbstzahlerin/Selbstzahler",
}
COMPLAINT_GROUPS = {
    "mood": "Depressive Beschwerden",
    "anxiety": "Ängste",
    "trauma": "Belastende Erlebnisse",
    "obsessive_compulsive": "Zwänge",
    "eating": "Essstörungen",
    "addiction": "Sucht",
    "psychosis": "Psychotisches Erleben",
    "personality": "Beziehungen und Persönlichkeit",
    "somatic": "Körperliche Beschwerden ohne Befund",
    "sleep": "Schlafstörungen",
    "stress": "Stress und Belastung",
    "crisis": "Krisenhafte Zuspitzung",
}
WEEKDAYS = {
    "mon": "Montag",
    "tue": "Dienstag",
    "wed": "Mittwoch",
    "thu": "Donnerstag",
    "fri": "Freitag",
    "sat": "Samstag",
    "sun": "Sonntag",
}
SALUTATIONS = {"frau": "Sehr geehrte Frau", "herr": "Sehr geehrter Herr"}


def reference(placement_request_id: int) -> str:
    """The pseudonymous reference a therapist sees (staff map it back to the request)."""
    return f"PR-{placement_request_id}"


def patient_reference(patient_id: int) -> str:
    """The case number a patient sees."""
    return f"PT-{patient_id}"


def weekly_lines(windows: Mapping[str, Iterable[str]] | None) -> list[str]:
    """`{"mon": ["09:00-12:00"]}` → `["Montag 09:00–12:00 Uhr"]` in weekday order."""
    lines = []
    for day, label in WEEKDAYS.items():
        ranges = [hours.replace("-", "–") for hours in (windows or {}).get(day, [])]
        if ranges:
            lines.append(f"{label} {', '.join(ranges)} Uhr")
    return lines


def summary_view(request: Mapping[str, Any]) -> dict[str, Any]:
    """A stored request (summary JSON + distance) as template data; never names or contacts."""
    summary = request["summary"]
    groups = [COMPLAINT_GROUPS.get(group, group) for group in summary.get("complaint_groups", [])]
    age = summary.get("age")
    distance = request.get("distance_km")
    return {
        "reference": reference(request["placement_request_id"]),
        "age_text": f"{age} Jahre" if age is not None else "keine Angabe",
        "gender": GENDERS.get(summary.get("gender", "unspecified"), "keine Angabe"),
        "insurance": INSURANCE.get(summary.get("insurance_type", ""), "keine Angabe"),
        "complaints": ", ".join(groups) or "keine Angabe",
        "availability": weekly_lines(summary.get("availability")) or ["flexibel / keine Angabe"],
        "distance": _km(distance),
        "urgent": bool(summary.get("urgent")),
    }


def _km(distance: float | None) -> str:
    """German decimal comma: "ca. 3,4 km"."""
    if distance is None:
        return "keine Angabe"
    return "ca. " + f"{distance:.1f}".replace(".", ",") + " km"


def therapist_greeting(person: Mapping[str, Any] | None) -> str:
    """ "Sehr geehrte Frau Dr. Muster" or a neutral greeting when the salutation is unknown."""
    person = person or {}
    opening = SALUTATIONS.get(str(person.get("salutation") or "").strip().lower())
    if not opening or not person.get("last_name"):
        return "Sehr geehrte Damen und Herren"
    return _joined(opening, person.get("title"), person["last_name"])


def patient_greeting(person: Mapping[str, Any] | None) -> str:
    """ "Guten Tag Frau Muster" or "Guten Tag Alex Muster"."""
    person = person or {}
    last = person.get("last_name")
    if not last:
        return "Guten Tag"
    salutation = str(person.get("salutation") or "").strip().lower()
    if salutation in ("frau", "herr"):
        return f"Guten Tag {salutation.capitalize()} {last}"
    return _joined("Guten Tag", person.get("first_name"), last)


def therapist_contact_view(therapist: Mapping[str, Any]) -> dict[str, Any]:
    """The therapist's contact data and phone hours for the patient's "placement found" mail."""
    name = _joined(therapist.get("title"), therapist.get("first_name"), therapist.get("last_name"))
    street = _joined(therapist.get("street"), therapist.get("house_number"))
    return {
        "display_name": name or "Ihre Praxis",
        "street": street,
        "postal_code": therapist.get("postal_code") or "",
        "city": therapist.get("city") or "",
        "phone": therapist.get("phone"),
        "email": therapist.get("email"),
        "phone_hours": weekly_lines(therapist.get("phone_hours")),
    }


def _joined(*parts: Any) -> str:
    """The non-empty parts, separated by spaces."""
    return " ".join(part for part in parts if part)
