"""Patient:innen: search the list, register a patient, the detail page with its status changes,
timeline, placement requests, communication and "warum nicht?" for one therapist."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from staff_console.clock import today_now
from staff_console.formatting import full_name
from staff_console.labels import (
    CALL_LABELS,
    CLOSE_REASON_LABELS,
    CRITERION_LABELS,
    EMAIL_LABELS,
    GENDER_LABELS,
    INSURANCE_LABELS,
    PROCEDURE_LABELS,
    REQUEST_LABELS,
    STATUS_LABELS,
    SYMPTOM_LABELS,
    THERAPIST_GENDER_LABELS,
    TIMELINE_LABELS,
    TRAVEL_LABELS,
    WEEKDAYS,
)
from staff_console.messages import field_errors, refusal
from staff_console.patient_form import (
    attach_errors,
    patient_json,
    typed_values,
    update_json,
    values_of,
)
from staff_console.services import ApiRejected, ServiceUnavailable
from staff_console.web import FormState, Page, get_or_404, page_number, role_required, services

blueprint = Blueprint("patients", __name__, url_prefix="/patientinnen")
staff = role_required("staff", "admin")
PER_PAGE = 20
CONSENT_VERSION = "2024-01"

UNKNOWN_PAIR = (
    "Der Vermittlungsdienst kennt diese Therapeut:in oder diese Patient:in (noch) nicht – "
    "bitte die Nummer prüfen."
)
# The buttons of each status: (target, button text, CSS class).
TRANSITIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "registered": (("searching", "Suche starten", ""),),
    "searching": (("paused", "Pausieren", "secondary"), ("cancelled", "Beenden", "danger")),
    "paused": (("searching", "Fortsetzen", ""), ("cancelled", "Beenden", "danger")),
    "placed": (("in_therapy", "Therapie hat begonnen", ""),),
    "in_therapy": (("completed", "Abschließen", ""),),
}
TRANSITION_DONE = {
    "searching": "Die Suche läuft.",
    "paused": "Die Suche ist pausiert; offene Anfragen werden storniert.",
    "cancelled": "Die Suche ist beendet.",
    "in_therapy": "Die Therapie ist vermerkt.",
    "completed": "Der Fall ist abgeschlossen.",
}
_REFERENCE = re.compile(r"^\s*(?:#|p-?)?\s*(\d{1,18})\s*$", re.IGNORECASE)


def labels() -> dict[str, Any]:
    return {
        "close_reason_labels": CLOSE_REASON_LABELS,
        "timeline_details": timeline_details,
        "status_labels": STATUS_LABELS,
        "request_labels": REQUEST_LABELS,
        "gender_labels": GENDER_LABELS,
        "insurance_labels": INSURANCE_LABELS,
        "therapist_gender_labels": THERAPIST_GENDER_LABELS,
        "travel_labels": TRAVEL_LABELS,
        "procedure_labels": PROCEDURE_LABELS,
        "weekdays": WEEKDAYS,
        "criterion_labels": CRITERION_LABELS,
        "email_labels": EMAIL_LABELS,
        "call_labels": CALL_LABELS,
        "symptom_labels": SYMPTOM_LABELS,
        "timeline_labels": TIMELINE_LABELS,
    }


def timeline_details(entry: dict[str, Any]) -> str:
    """An audit entry names the changed fields (its old and new values stay in the audit);
    an event shows its details briefly."""
    details = entry.get("details") or {}
    changes = [k for k, v in details.items() if isinstance(v, list) and len(v) == 2]
    if changes and len(changes) == len(details):
        return "Felder: " + ", ".join(sorted(changes))
    return ", ".join(f"{k}: {v}" for k, v in details.items() if not isinstance(v, dict | list))


# --- list ---------------------------------------------------------------------------------


@blueprint.get("", endpoint="index")
@staff
def index() -> Any:
    filters = {
        "q": request.args.get("q", "").strip(),
        "postal_code": request.args.get("postal_code", "").strip(),
        "status": request.args.get("status", "").strip(),
        "crisis": "true" if request.args.get("crisis") else "",
    }
    form = FormState(dict(filters))
    try:
        page = _patients_page(filters)
    except ApiRejected as exc:
        form.errors, form.message = field_errors(exc.details, prefix="query."), refusal(exc)
        page = Page([], 1, PER_PAGE, 0, filters)
    return render_template("patients/index.html", page=page, form=form, **labels())


def _patients_page(filters: dict[str, str]) -> Page:
    reference = _REFERENCE.match(filters["q"])
    if reference:
        return _by_reference(int(reference.group(1)), filters)
    body = services().get(
        "patient", "/api/patients", page=page_number(), per_page=PER_PAGE, **filters
    )
    return Page.of(body, filters)


def _by_reference(patient_id: int, filters: dict[str, str]) -> Page:
    """A number (or `#12`, `P-12`) in the search box opens that patient's reference."""
    try:
        patient = services().get("patient", f"/api/patients/{patient_id}")
    except ApiRejected as exc:
        if exc.status == 404:
            return Page([], 1, PER_PAGE, 0, filters)
        raise
    return Page([patient], 1, PER_PAGE, 1, filters)


# --- registration --------------------------------------------------------------------------


@blueprint.get("/neu", endpoint="new")
@staff
def new(form: FormState | None = None, status: int = 200) -> Any:
    form = form or FormState(_defaults())
    symptoms, outage = _symptoms()
    return render_template(
        "patients/new.html",
        form=form,
        symptoms=symptoms,
        symptoms_outage=outage,
        idempotency_key=form.value("idempotency_key") or uuid.uuid4().hex,
        **labels(),
    ), status


def _defaults() -> dict[str, Any]:
    return {
        "gender": "",
        "insurance.type": "statutory",
        "preferences.therapist_gender": "any",
        "preferences.max_distance_km": "25",
        "preferences.travel_mode": "public_transport",
        "preferences.languages": "de",
        "consent.version": CONSENT_VERSION,
        "consent.given_at": today_now().strftime("%Y-%m-%dT%H:%M"),
    }


def _symptoms() -> tuple[list[dict[str, Any]], str | None]:
    try:
        return services().get("patient", "/api/symptoms").get("items", []), None
    except ServiceUnavailable as exc:
        return [], exc.message


@blueprint.post("/neu")
@staff
def create() -> Any:
    values = typed_values()
    try:
        created = services().post(
            "patient",
            "/api/patients",
            json=patient_json(values),
            idempotency_key=values["idempotency_key"],
        )
    except ApiRejected as exc:
        errors = attach_errors(field_errors(exc.details))
        return new(FormState(values, errors, refusal(exc)), 400)
    except ServiceUnavailable as exc:
        return new(FormState(values, {}, exc.message), 503)
    flash(f"Patient:in {full_name(created)} ist angelegt (Nr. {created['id']}).")
    return redirect(url_for("patients.detail", patient_id=created["id"]))


# --- editing -------------------------------------------------------------------------------


@blueprint.get("/<int:patient_id>/bearbeiten", endpoint="edit")
@staff
def edit(patient_id: int, form: FormState | None = None, status: int = 200) -> Any:
    patient = load_patient(patient_id)
    form = form or FormState(values_of(patient))
    symptoms, outage = _symptoms()
    return render_template(
        "patients/new.html",
        form=form,
        patient=patient,
        symptoms=symptoms,
        symptoms_outage=outage,
        idempotency_key=form.value("idempotency_key") or uuid.uuid4().hex,
        **labels(),
    ), status


@blueprint.post("/<int:patient_id>/bearbeiten")
@staff
def update(patient_id: int) -> Any:
    """PATCH with the version the form was loaded with: a change by someone else meanwhile is
    a 409, and the typed values stay for a second look."""
    values = typed_values()
    try:
        services().patch(
            "patient",
            f"/api/patients/{patient_id}",
            json=update_json(values),
            idempotency_key=values["idempotency_key"],
        )
    except ApiRejected as exc:
        if exc.status == 404:
            abort(404)
        message = CHANGED_MEANWHILE if exc.status == 409 else refusal(exc)
        return edit(
            patient_id,
            FormState(values, attach_errors(field_errors(exc.details)), message),
            400 if exc.status != 409 else 409,
        )
    except ServiceUnavailable as exc:
        return edit(patient_id, FormState(values, {}, exc.message), 503)
    flash("Die Angaben sind gespeichert.")
    return redirect(url_for("patients.detail", patient_id=patient_id))


CHANGED_MEANWHILE = (
    "Jemand anders hat die Angaben inzwischen geändert. Ihre Eingaben stehen noch hier; bitte "
    "die Seite der Patient:in neu öffnen, vergleichen und erneut speichern."
)


# --- detail --------------------------------------------------------------------------------


def section(read: Callable[[], Any], missing: Any = None) -> tuple[Any, str | None]:
    """One section of a page: what it read, or the German message why it could not
    (`missing`: what a 404 means, e.g. matching does not know the patient yet)."""
    try:
        return read(), None
    except ServiceUnavailable as exc:
        return None, exc.message
    except ApiRejected as exc:
        if exc.status == 404 and missing is not None:
            return missing, None
        return None, refusal(exc)


def load_patient(patient_id: int) -> dict[str, Any]:
    return get_or_404("patient", f"/api/patients/{patient_id}")


def therapist_name(therapist_id: int | None) -> tuple[str | None, str | None]:
    if not therapist_id:
        return None, None
    therapist, outage = section(
        lambda: services().get("therapist", f"/api/therapists/{therapist_id}")
    )
    return (full_name(therapist) if therapist else None), outage


@blueprint.get("/<int:patient_id>", endpoint="detail")
@staff
def detail(patient_id: int, message: str | None = None, status: int = 200) -> Any:
    patient = load_patient(patient_id)
    placed_name, placed_outage = therapist_name(patient.get("placed_therapist_id"))
    return render_template(
        "patients/detail.html",
        patient=patient,
        message=message,
        placed_name=placed_name,
        placed_outage=placed_outage,
        transitions=TRANSITIONS.get(patient["status"], ()),
        idempotency_key=uuid.uuid4().hex,
        **_sections(patient_id),
        **labels(),
    ), status


def _sections(patient_id: int) -> dict[str, Any]:
    get = services().get
    timeline = section(lambda: get("patient", f"/api/patients/{patient_id}/timeline"))
    requests_ = section(
        lambda: Page.of(
            get(
                "matching",
                "/api/placement-requests",
                patient_id=patient_id,
                page=page_number(),
                per_page=PER_PAGE,
            ),
            {},
        )
    )
    communications = section(
        lambda: get("communication", f"/api/patients/{patient_id}/communications")
    )
    candidates = section(
        lambda: get("matching", f"/api/patients/{patient_id}/candidates"), {"items": []}
    )
    return {
        "timeline": timeline,
        "requests": requests_,
        "communications": communications,
        "candidates": candidates,
        "therapist_names": _therapist_names(requests_[0]),
    }


def _therapist_names(page: Page | None) -> dict[int, str]:
    """The names of the practices on this page of requests (one call per practice; a
    practice the therapist service cannot name now is shown by its number)."""
    names: dict[int, str] = {}
    for therapist_id in dict.fromkeys(r["therapist_id"] for r in (page.items if page else [])):
        name, _ = therapist_name(therapist_id)
        if name:
            names[therapist_id] = name
        else:
            break  # down or unknown: the rest would wait for the same timeout
    return names


@blueprint.post("/<int:patient_id>/status", endpoint="transition")
@staff
def transition(patient_id: int) -> Any:
    target = request.form.get("status", "")
    if target not in STATUS_LABELS:
        abort(400)
    body: dict[str, Any] = {"status": target}
    version = request.form.get("version", "")
    if version.isdigit():
        body["version"] = int(version)
    try:
        services().put(
            "patient",
            f"/api/patients/{patient_id}/status",
            json=body,
            idempotency_key=request.form.get("idempotency_key") or None,
        )
    except ApiRejected as exc:
        return detail(patient_id, _transition_refused(exc, target), exc.status)
    except ServiceUnavailable as exc:
        return detail(patient_id, exc.message, 503)
    flash(TRANSITION_DONE.get(target, f"Status: {STATUS_LABELS[target]}."))
    return redirect(url_for("patients.detail", patient_id=patient_id))


# What a search start still needs (the patient service's `case_incomplete` details), in German.
MISSING_LABELS = {
    "first_name": "Vorname",
    "last_name": "Nachname",
    "birth_date": "Geburtsdatum",
    "gender": "Geschlecht",
    "address.postal_code": "Postleitzahl",
    "address.city": "Ort",
    "insurance.type": "Versicherungsart",
    "insurance.number": "Versichertennummer (bei gesetzlicher Versicherung nötig)",
    "contact": "E-Mail-Adresse oder Telefonnummer",
    "symptoms": "mindestens eine Beschwerde",
    "consent": "eine gültige Einwilligung",
    "initial_consultation_date": "Datum der Sprechstunde (oder „Sprechstunde erlassen“)",
    "location": "ein ermittelter Standort der Adresse (bitte Adresse prüfen oder kurz warten)",
}


def _transition_refused(exc: ApiRejected, target: str) -> str:
    label = STATUS_LABELS[target]
    if exc.status == 409:
        return (
            f"Der Status „{label}“ ist im aktuellen Zustand nicht möglich – vielleicht hat ihn "
            f"gerade jemand anders geändert. ({exc.message})"
        )
    if exc.code == "case_incomplete" and exc.details:
        missing = ", ".join(MISSING_LABELS.get(name, name) for name in exc.details)
        return f"Für „{label}“ fehlen noch: {missing}. Bitte unter „Angaben ändern“ ergänzen."
    if exc.status == 422:
        return f"Für „{label}“ fehlen noch Angaben: {refusal(exc)}"
    return refusal(exc)


# --- why not -------------------------------------------------------------------------------


@blueprint.get("/<int:patient_id>/warum-nicht", endpoint="why_not")
@staff
def why_not(patient_id: int) -> Any:
    patient = load_patient(patient_id)
    raw = request.args.get("therapist_id", "").strip()
    form = FormState({"therapist_id": raw})
    explanation, name = None, None
    if raw.isdigit() and int(raw) > 0:
        explanation, form.message = section(
            lambda: services().get("matching", f"/api/patients/{patient_id}/candidates/{raw}"),
            {},
        )
        if explanation == {}:
            explanation, form.message = None, UNKNOWN_PAIR
        name, _ = therapist_name(int(raw)) if explanation else (None, None)
    elif raw:
        form.errors["therapist_id"] = "Bitte die Nummer der Therapeut:in angeben (eine Zahl)."
    return render_template(
        "patients/why_not.html",
        patient=patient,
        form=form,
        explanation=explanation,
        therapist_name=name,
        **labels(),
    )
