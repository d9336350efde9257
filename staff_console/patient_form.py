"""The patient form: what staff type, as the JSON the patient service takes (PatientCreate,
PatientUpdate), and a patient record back as form values for the edit page."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import request

from staff_console.labels import WEEKDAYS

BERLIN = ZoneInfo("Europe/Berlin")

TEXT_FIELDS = (
    "salutation",
    "first_name",
    "last_name",
    "gender",
    "birth_date",
    "email",
    "phone",
    "address.street",
    "address.house_number",
    "address.postal_code",
    "address.city",
    "insurance.type",
    "insurance.insurer",
    "insurance.number",
    "diagnosis_icd10",
    "initial_consultation_date",
    "preferences.therapist_gender",
    "preferences.languages",
    "preferences.max_distance_km",
    "preferences.travel_mode",
    "preferences.max_travel_minutes",
    "consent.version",
    "consent.given_at",
    *(f"availability.{day}" for day, _ in WEEKDAYS),
)
FLAG_FIELDS = (
    "initial_consultation_waived",
    "preferences.group_ok",
    "preferences.barrier_free",
    "urgent",
)
LIST_FIELDS = ("symptoms", "preferences.procedures")
# Errors on a whole group are shown at the group (the availability or preferences fieldset).
GROUP_FIELDS = ("availability", "preferences", "address", "insurance", "consent")


def typed_values() -> dict[str, Any]:
    values: dict[str, Any] = {name: request.form.get(name, "").strip() for name in TEXT_FIELDS}
    values.update({name: name in request.form for name in FLAG_FIELDS})
    values.update({name: request.form.getlist(name) for name in LIST_FIELDS})
    values["idempotency_key"] = request.form.get("idempotency_key") or uuid.uuid4().hex
    values["version"] = request.form.get("version", "").strip()
    return values


def _given(values: dict[str, Any], *names: str) -> dict[str, Any]:
    """The non-blank values under their last path segment (blank optional fields are left out)."""
    return {name.rsplit(".", 1)[-1]: values[name] for name in names if values[name] != ""}


def patient_json(values: dict[str, Any]) -> dict[str, Any]:
    """The form as the body PatientCreate expects (ISO dates, enum values, typed numbers)."""
    body = _given(
        values, "salutation", "first_name", "last_name", "gender", "birth_date", "email", "phone"
    )
    body["address"] = _given(
        values, "address.street", "address.house_number", "address.postal_code", "address.city"
    )
    body["insurance"] = _given(values, "insurance.type", "insurance.insurer", "insurance.number")
    body["symptoms"] = list(values["symptoms"])
    body.update(_given(values, "diagnosis_icd10", "initial_consultation_date"))
    body["initial_consultation_waived"] = values["initial_consultation_waived"]
    body["preferences"] = _preferences(values)
    body["availability"] = _availability(values)
    body["urgent"] = values["urgent"]
    body["consent"] = _given(values, "consent.version", "consent.given_at")
    if "given_at" in body["consent"]:
        body["consent"]["given_at"] = _instant(body["consent"]["given_at"])
    return body


def _preferences(values: dict[str, Any]) -> dict[str, Any]:
    languages = [part.strip().lower() for part in values["preferences.languages"].split(",")]
    prefs: dict[str, Any] = {
        "procedures": list(values["preferences.procedures"]),
        "therapist_gender": values["preferences.therapist_gender"] or "any",
        "languages": [code for code in languages if code],
        "group_ok": values["preferences.group_ok"],
        "barrier_free": values["preferences.barrier_free"],
        "travel_mode": values["preferences.travel_mode"] or "public_transport",
    }
    distance = values["preferences.max_distance_km"].replace(",", ".")
    if distance:
        prefs["max_distance_km"] = _number(distance, float)
    minutes = values["preferences.max_travel_minutes"]
    if minutes:
        prefs["max_travel_minutes"] = _number(minutes, int)
    return prefs


def _number(text: str, kind: type) -> Any:
    """A number as a number; anything else as typed, for the API to name the error."""
    try:
        return kind(text)
    except ValueError:
        return text


def _availability(values: dict[str, Any]) -> dict[str, list[str]]:
    windows: dict[str, list[str]] = {}
    for day, _ in WEEKDAYS:
        ranges = [part.strip() for part in values[f"availability.{day}"].split(",")]
        if any(ranges):
            windows[day] = [part for part in ranges if part]
    return windows


def _instant(text: str) -> str:
    """`2026-12-04T10:30` from a datetime-local input, as an ISO instant in Europe/Berlin."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BERLIN)
    return moment.isoformat()


def attach_errors(errors: dict[str, str]) -> dict[str, str]:
    """API paths onto the form's inputs: `symptoms.0` → `symptoms`; unknown paths stay."""
    names = (*TEXT_FIELDS, *FLAG_FIELDS, *LIST_FIELDS, *GROUP_FIELDS)
    attached: dict[str, str] = {}
    for path, text in errors.items():
        owner = next(
            (
                n
                for n in sorted(names, key=len, reverse=True)
                if path == n or path.startswith(f"{n}.")
            ),
            path,
        )
        attached[owner] = f"{attached[owner]} {text}" if owner in attached else text
    return attached


def values_of(patient: dict[str, Any]) -> dict[str, Any]:
    """A patient record (GET /api/patients/{id}) as the edit form's values."""
    address, insurance = patient.get("address") or {}, patient.get("insurance") or {}
    prefs = patient.get("preferences") or {}
    values: dict[str, Any] = {name: "" for name in TEXT_FIELDS}
    for name in ("salutation", "first_name", "last_name", "gender", "birth_date", "email"):
        values[name] = patient.get(name) or ""
    values["phone"] = patient.get("phone") or ""
    values.update({f"address.{k}": address.get(k) or "" for k in ADDRESS_KEYS})
    values["insurance.type"] = insurance.get("type") or ""
    values["insurance.insurer"] = insurance.get("insurer") or ""
    values["insurance.number"] = insurance.get("number") or ""
    values["diagnosis_icd10"] = patient.get("diagnosis_icd10") or ""
    values["initial_consultation_date"] = patient.get("initial_consultation_date") or ""
    values.update(_preference_values(prefs))
    for day, _ in WEEKDAYS:
        values[f"availability.{day}"] = ", ".join((patient.get("availability") or {}).get(day, []))
    values["symptoms"] = list(patient.get("symptoms") or [])
    values["initial_consultation_waived"] = bool(patient.get("initial_consultation_waived"))
    values["urgent"] = bool(patient.get("urgent"))
    values["version"] = str(patient.get("version", ""))
    return values


ADDRESS_KEYS = ("street", "house_number", "postal_code", "city")


def _preference_values(prefs: dict[str, Any]) -> dict[str, Any]:
    distance, minutes = prefs.get("max_distance_km"), prefs.get("max_travel_minutes")
    return {
        "preferences.procedures": list(prefs.get("procedures") or []),
        "preferences.therapist_gender": prefs.get("therapist_gender") or "any",
        "preferences.languages": ", ".join(prefs.get("languages") or []),
        "preferences.max_distance_km": "" if distance is None else f"{distance:g}",
        "preferences.travel_mode": prefs.get("travel_mode") or "",
        "preferences.max_travel_minutes": "" if minutes is None else str(minutes),
        "preferences.group_ok": bool(prefs.get("group_ok")),
        "preferences.barrier_free": bool(prefs.get("barrier_free")),
    }


def update_json(values: dict[str, Any]) -> dict[str, Any]:
    """PATCH body: the whole form without the consent (its own routes), with `version`."""
    body = patient_json(values)
    body.pop("consent", None)
    if values.get("version", "").isdigit():
        body["version"] = int(values["version"])
    return body
