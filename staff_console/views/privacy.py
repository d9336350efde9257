"""Datenschutz (admin only): a patient's export (Art. 15/20), erasure (Art. 17) and its
progress (the audit trails of the six services: views/audit.py).

The patient service does all of it: `GET /api/patients/{id}/export` gathers the other services'
parts itself and answers one document, or 503 naming the service that did not answer
(`details.service`, never a partial document); `DELETE /api/patients/{id}` starts the erasure
and `GET /api/patients/{id}/erasure` lists per service when it completed (null while pending).
"""

from __future__ import annotations

import uuid
from typing import Any

import requests
from flask import (
    Blueprint,
    Response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from staff_console.config import SERVICES
from staff_console.messages import field_errors, refusal
from staff_console.services import SERVICE_LABELS, ApiRejected, ServiceUnavailable
from staff_console.web import FormState, admin_only, services

blueprint = Blueprint("privacy", __name__, url_prefix="/datenschutz")

# The export asks four services one after the other (EXPORT_TIMEOUT_S each, default 10 s).
EXPORT_TIMEOUT_S = 60.0
SERVICE_NAMES = {f"{name}_service": name for name in SERVICES}
ERASURE_STATUS = {
    "not_requested": "Keine Löschung beantragt.",
    "in_progress": "Die Löschung läuft: noch nicht alle Dienste haben sie abgeschlossen.",
    "completed": "Die Löschung ist abgeschlossen: alle Dienste haben die Daten gelöscht.",
}
COUNT_LABELS = {
    "audit_entries_scrubbed": "Protokolleinträge geschwärzt",
    "stored_responses_deleted": "gespeicherte Antworten gelöscht",
    "outbox_rows_deleted": "ausstehende Ereignisse gelöscht",
}


def service_label(name: str) -> str:
    """`matching_service` or `matching` → „Der Vermittlungsdienst“ without the article."""
    label = SERVICE_LABELS.get(SERVICE_NAMES.get(name, name), name)
    return label.removeprefix("Der ")


blueprint.add_app_template_filter(service_label, "service_label")


@blueprint.get("/")
@admin_only
def index() -> Any:
    form = FormState({"patient_id": request.args.get("patient_id", "").strip()})
    if form.value("patient_id"):
        patient_id = patient_id_of(form.value("patient_id"))
        if patient_id is not None:
            return redirect(url_for("privacy.patient", patient_id=patient_id))
        form.errors["patient_id"] = "Bitte eine Patienten-ID (ganze Zahl ab 1) angeben."
    return render_template("privacy/index.html", form=form)


def patient_id_of(text: str) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return None
    return value if 1 <= value <= 2**53 else None


@blueprint.get("/<int:patient_id>")
@admin_only
def patient(patient_id: int) -> Any:
    found = _read_patient(patient_id)
    if found is None:
        return _not_found(patient_id)
    erasure = services("admin").get("patient", f"/api/patients/{patient_id}/erasure")
    return render_template(
        "privacy/patient.html", patient=found, erasure=erasure, status_text=ERASURE_STATUS
    )


def _read_patient(patient_id: int) -> dict[str, Any] | None:
    try:
        # the record itself is placement work (staff routes); erasure and export are admin's
        return services().get("patient", f"/api/patients/{patient_id}")
    except ApiRejected as exc:
        if exc.status == 404:
            return None
        raise


def _not_found(patient_id: int) -> Any:
    return render_template(
        "error.html",
        title="Nicht gefunden",
        message=f"Eine Patientin oder einen Patienten mit der ID {patient_id} gibt es nicht.",
    ), 404


# --- export (Art. 15/20) -------------------------------------------------------------------


def _export(patient_id: int, stream: bool = False) -> requests.Response:
    """The export's answer as it came (the client's own call would drop `details.service`)."""
    client = services("admin")
    try:
        return client.http.get(
            f"{client.urls['patient']}/api/patients/{patient_id}/export",
            headers={"Authorization": f"Bearer {client.token(client.role)}"},
            timeout=EXPORT_TIMEOUT_S,
            stream=stream,
        )
    except requests.RequestException as exc:
        raise ServiceUnavailable("patient") from exc


def _failed_service(response: requests.Response) -> str | None:
    """The service the 503 names (`details.service`); None when the patient service failed."""
    try:
        details = response.json().get("error", {}).get("details") or {}
    except ValueError:
        return None
    service = details.get("service")
    return service if isinstance(service, str) else None


@blueprint.get("/<int:patient_id>/export")
@admin_only
def export(patient_id: int) -> Any:
    response = _export(patient_id)
    if response.status_code == 404:
        return _not_found(patient_id)
    failed = _failed_service(response) if response.status_code == 503 else None
    if response.status_code >= 500 and failed is None:
        raise ServiceUnavailable("patient")
    if response.status_code >= 400 and failed is None:
        return _refused(response)
    parts = export_parts(response.json()) if failed is None else failed_parts(failed)
    return render_template(
        "privacy/export.html", patient_id=patient_id, parts=parts, failed=failed
    ), (503 if failed else 200)


def _refused(response: requests.Response) -> Any:
    try:
        error = response.json().get("error", {})
    except ValueError:
        error = {}
    rejected = ApiRejected(
        response.status_code, str(error.get("code") or ""), str(error.get("message") or "")
    )
    return render_template(
        "error.html", title="Export abgelehnt", message=refusal(rejected)
    ), response.status_code


def _count(items: Any) -> int | None:
    return len(items) if isinstance(items, list) else None


def export_parts(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Per service: what the document holds from it (its records and its audit entries)."""
    own = document.get("patient_service") or {}
    matching = document.get("matching_service") or {}
    communication = document.get("communication_service") or {}
    audit = document.get("audit_entries") or {}
    held = {
        "patient_service": [
            ("Einwilligungen", _count(own.get("consents"))),
            ("Verlaufseinträge", _count(own.get("timeline"))),
        ],
        "matching_service": [("Platzanfragen", _count(matching.get("placement_requests")))],
        "communication_service": [
            ("Anfragen", _count(communication.get("requests"))),
            ("E-Mails", _count(communication.get("emails"))),
            ("Anrufe", _count(communication.get("calls"))),
            ("Antworten", _count(communication.get("answers"))),
        ],
    }
    return [
        {
            "service": name,
            "state": "vollständig",
            "held": held.get(name, []),
            "audit": _count(audit.get(name)),
        }
        for name in SERVICE_NAMES
    ]


def failed_parts(failed: str) -> list[dict[str, Any]]:
    return [
        {
            "service": name,
            "state": "nicht erreichbar" if name == failed else "nicht ausgegeben",
            "held": [],
            "audit": None,
        }
        for name in SERVICE_NAMES
    ]


@blueprint.get("/<int:patient_id>/export.json")
@admin_only
def export_json(patient_id: int) -> Any:
    response = _export(patient_id, stream=True)
    if response.status_code == 404:
        return _not_found(patient_id)
    if response.status_code >= 500:
        failed = _failed_service(response)
        if failed is None:
            raise ServiceUnavailable("patient")
        return redirect(url_for("privacy.export", patient_id=patient_id))
    if response.status_code >= 400:
        return _refused(response)
    return Response(
        stream_with_context(response.iter_content(chunk_size=64 * 1024)),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="patient-{patient_id}-export.json"'},
    )


# --- erasure (Art. 17) -----------------------------------------------------------------------


@blueprint.get("/<int:patient_id>/loeschen")
@admin_only
def erase_form(patient_id: int) -> Any:
    found = _read_patient(patient_id)
    if found is None:
        return _not_found(patient_id)
    form = FormState({"idempotency_key": uuid.uuid4().hex})
    return render_template("privacy/erase.html", patient=found, patient_id=patient_id, form=form)


def erase_problems(patient_id: int, form: FormState) -> dict[str, str]:
    errors = {}
    if form.value("confirm_id").strip() != str(patient_id):
        errors["confirm_id"] = (
            f"Bitte geben Sie zur Bestätigung die Patienten-ID {patient_id} noch einmal ein."
        )
    if not form.value("confirm"):
        errors["confirm"] = (
            "Bitte bestätigen Sie, dass die Löschung nicht rückgängig zu machen ist."
        )
    return errors


@blueprint.post("/<int:patient_id>/loeschen")
@admin_only
def erase(patient_id: int) -> Any:
    form = FormState({name: request.form.get(name, "") for name in _ERASE_FIELDS})
    form.errors = erase_problems(patient_id, form)
    if form.errors:
        form.message = "Bitte prüfen Sie die markierten Felder."
        return _erase_again(patient_id, form, 400)
    try:
        services("admin").request(
            "DELETE",
            "patient",
            f"/api/patients/{patient_id}",
            idempotency_key=form.value("idempotency_key") or None,
        )
    except ApiRejected as exc:
        form.errors, form.message = field_errors(exc.details), refusal(exc)
        return _erase_again(patient_id, form, exc.status)
    except ServiceUnavailable as exc:
        form.message = exc.message
        return _erase_again(patient_id, form, 503)
    return redirect(url_for("privacy.erasure", patient_id=patient_id))


def _erase_again(patient_id: int, form: FormState, status: int) -> Any:
    """The form once more with what was typed (the patient is not read again)."""
    return render_template(
        "privacy/erase.html", patient=None, patient_id=patient_id, form=form
    ), status


_ERASE_FIELDS = ("confirm_id", "confirm", "idempotency_key")


@blueprint.get("/<int:patient_id>/loeschung")
@admin_only
def erasure(patient_id: int) -> Any:
    try:
        status = services("admin").get("patient", f"/api/patients/{patient_id}/erasure")
    except ApiRejected as exc:
        if exc.status == 404:
            return _not_found(patient_id)
        raise
    steps = status.get("services", [])
    return render_template(
        "privacy/erasure.html",
        status=status,
        done=[step for step in steps if step.get("completed_at")],
        pending=[step for step in steps if not step.get("completed_at")],
        status_text=ERASURE_STATUS,
        count_labels=COUNT_LABELS,
    )
