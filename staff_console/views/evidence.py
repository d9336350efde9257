"""Nachweis §13 Abs. 3 SGB V: a printable record of every practice contacted for a patient.

Built from the patient (`GET /api/patients/{id}`), what communication holds about the patient
(`GET /api/patients/{id}/communications`: requests, e-mails, calls, answers), the placement
requests of matching (`GET /api/placement-requests?patient_id=`, for requests that ended without
an answer) and each therapist (`GET /api/therapists/{id}`, name and practice address).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from staff_console.clock import today_now
from staff_console.formatting import day as de_date
from staff_console.formatting import moment_of
from staff_console.labels import CHANNEL_LABELS, INSURANCE_LABELS
from staff_console.services import ApiRejected, ServiceUnavailable
from staff_console.web import FormState, role_required, services

blueprint = Blueprint("evidence", __name__, url_prefix="/nachweis")

MAX_PAGES = 50
OUTCOME_LABELS = {
    "accepted": "Zusage: Therapieplatz angeboten",
    "rejected_no_capacity": "Absage: kein freier Therapieplatz",
    "rejected_not_suitable": "Absage: Behandlung dort nicht passend",
    "rejected_other": "Absage aus anderem Grund",
    "no_show": "Erstgespräch nicht zustande gekommen",
}
UNANSWERED_LABELS = {
    "no_response": "Keine Antwort erhalten",
    "expired": "Keine Antwort innerhalb der Frist",
    "cancelled": "Anfrage zurückgezogen",
}


@dataclass
class Contact:
    at: str
    channel: str
    therapist_id: int
    request_id: int
    answer: str


@dataclass
class Record:
    contacts: list[Contact] = field(default_factory=list)
    therapists: dict[int, dict[str, Any]] = field(default_factory=dict)
    outages: list[str] = field(default_factory=list)


@blueprint.get("/")
@role_required("staff", "admin")
def index() -> Any:
    form = FormState({"patient_id": request.args.get("patient_id", "").strip()})
    if form.value("patient_id"):
        if form.value("patient_id").isdigit() and int(form.value("patient_id")) >= 1:
            return redirect(url_for("evidence.record", patient_id=int(form.value("patient_id"))))
        form.errors["patient_id"] = "Bitte eine Patienten-ID (ganze Zahl ab 1) angeben."
    return render_template("evidence/index.html", form=form)


@blueprint.get("/<int:patient_id>")
@role_required("staff", "admin")
def record(patient_id: int) -> Any:
    try:
        patient = services().get("patient", f"/api/patients/{patient_id}")
    except ApiRejected as exc:
        if exc.status != 404:
            raise
        return render_template(
            "error.html",
            title="Nicht gefunden",
            message=f"Eine Patientin oder einen Patienten mit der ID {patient_id} gibt es nicht.",
        ), 404
    found = build_record(patient_id)
    return render_template(
        "evidence/record.html",
        patient=patient,
        record=found,
        place=request.args.get("ort", "").strip()[:80],
        issued=today_now().date(),
        channel_labels=CHANNEL_LABELS,
        insurance_labels=INSURANCE_LABELS,
    )


def build_record(patient_id: int) -> Record:
    found = Record()
    try:
        body = services().get("communication", f"/api/patients/{patient_id}/communications")
    except ServiceUnavailable as exc:
        found.outages.append(exc.message)
        return found
    statuses = _request_statuses(patient_id, found)
    found.contacts = contacts_of(body or {}, statuses)
    found.therapists = _therapists({contact.therapist_id for contact in found.contacts}, found)
    return found


def _request_statuses(patient_id: int, found: Record) -> dict[int, str]:
    """Matching's status per placement request (all pages); empty when matching is down."""
    statuses: dict[int, str] = {}
    try:
        for number in range(1, MAX_PAGES + 1):
            page = services().get(
                "matching",
                "/api/placement-requests",
                patient_id=patient_id,
                page=number,
                per_page=100,
            )
            statuses.update({item["id"]: item["status"] for item in page.get("items", [])})
            if number * int(page.get("per_page", 100)) >= int(page.get("total", 0)):
                break
    except ServiceUnavailable as exc:
        found.outages.append(exc.message)
    return statuses


def _therapists(ids: set[int], found: Record) -> dict[int, dict[str, Any]]:
    """Each practice's name and address; the ids alone when the therapist service is down."""
    therapists: dict[int, dict[str, Any]] = {}
    for therapist_id in sorted(ids):
        try:
            therapists[therapist_id] = services().get(
                "therapist", f"/api/therapists/{therapist_id}"
            )
        except ApiRejected:
            continue  # gone: the page names the id
        except ServiceUnavailable as exc:
            found.outages.append(exc.message)
            break
    return therapists


def contacts_of(body: dict[str, Any], statuses: dict[int, str]) -> list[Contact]:
    """One line per practice contacted about one of the patient's requests: each e-mail sent to
    it and each call made, with the answer given to that request (oldest first)."""
    own = {row["placement_request_id"]: row for row in body.get("requests", [])}
    answers = {row["placement_request_id"]: row for row in body.get("answers", [])}
    lines: list[Contact] = []
    for channel, rows in (("email", body.get("emails", [])), ("phone", body.get("calls", []))):
        for row in rows:
            at = _contacted_at(channel, row)
            if at is None:
                continue
            for request_id in row.get("placement_request_ids") or []:
                if request_id in own:
                    answer = answer_text(answers.get(request_id), own[request_id], statuses, row)
                    lines.append(
                        Contact(at, channel, own[request_id]["therapist_id"], request_id, answer)
                    )
    lines += _answers_without_contact(answers, own, {line.request_id for line in lines})
    return sorted(lines, key=_order)


def _order(line: Contact) -> tuple[float, int]:
    moment = moment_of(line.at)
    return (moment.timestamp() if moment else 0.0, line.request_id)


def _answers_without_contact(
    answers: dict[int, dict[str, Any]], own: dict[int, dict[str, Any]], listed: set[int]
) -> list[Contact]:
    """An answer about a request no e-mail or call of the record carried (e.g. the practice
    answered before the e-mail went out): the answer itself is the contact."""
    return [
        Contact(
            answer["recorded_at"],
            answer.get("channel", ""),
            own[request_id]["therapist_id"],
            request_id,
            answer_text(answer, own[request_id], {}, {}),
        )
        for request_id, answer in answers.items()
        if request_id in own and request_id not in listed and answer.get("recorded_at")
    ]


def _contacted_at(channel: str, row: dict[str, Any]) -> str | None:
    """When the practice was contacted: an e-mail sent to it, a call made (reached or not)."""
    if channel == "email":
        sent = row.get("recipient") == "therapist" and row.get("state") == "sent"
        return row.get("sent_at") if sent else None
    if row.get("state") == "completed":
        return row.get("completed_at")
    if row.get("state") == "failed":
        return row.get("failed_at")
    return None


def answer_text(
    answer: dict[str, Any] | None,
    outreach: dict[str, Any],
    statuses: dict[int, str],
    contact: dict[str, Any],
) -> str:
    """The practice's answer in German, with how and when it came; or why there is none."""
    if answer is not None:
        label = OUTCOME_LABELS.get(answer.get("outcome"), str(answer.get("outcome")))
        channel = CHANNEL_LABELS.get(answer.get("channel"), answer.get("channel"))
        return f"{label} (per {channel} am {de_date(answer.get('recorded_at'))})"
    status = statuses.get(outreach["placement_request_id"])
    if status in UNANSWERED_LABELS:
        return UNANSWERED_LABELS[status]
    if contact.get("state") == "failed":
        return "Telefonisch nicht erreicht"
    if outreach.get("state") == "closed":
        return "Keine Antwort erhalten"
    return "Antwort steht noch aus"
