"""Heute: the day's call list (record each call) and the cases needing attention."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for

from staff_console.clock import today_now
from staff_console.formatting import clock_time as berlin_time
from staff_console.formatting import full_name
from staff_console.labels import OUTCOME_LABELS, OUTCOMES
from staff_console.messages import field_errors, refusal
from staff_console.services import ApiRejected, ServiceUnavailable
from staff_console.web import FormState, Page, page_number, role_required, services

blueprint = Blueprint("today", __name__)
PER_PAGE = 20
ATTENTION_PER_PAGE = 20
CRISIS = "crisis_unacknowledged"

CALL_STATES = (
    ("scheduled", "geplant"),
    ("completed", "erledigt"),
    ("failed", "gescheitert"),
    ("cancelled", "storniert"),
)
ATTENTION_SERVICES = (
    ("patient", "Patientendienst"),
    ("matching", "Vermittlung"),
    ("communication", "Kommunikation"),
)


@dataclass
class Section:
    """One part of the page: what a service gave, or its outage message."""

    page: Page | None = None
    outage: str | None = None
    label: str = ""


class NamedPage(Page):
    """A page whose number travels in its own query parameter (several lists on one page)."""

    param: str = "page"

    def link(self, page: int) -> str:
        query = {k: v for k, v in {**self.args, self.param: page}.items() if v not in (None, "")}
        return f"{request.path}?{urlencode(query)}"


def _number(name: str) -> int:
    try:
        return max(1, min(int(request.args.get(name, "1")), 1_000_000))
    except ValueError:
        return 1


def _filters() -> dict[str, str]:
    day = request.args.get("date", "").strip() or today_now().date().isoformat()
    try:
        date.fromisoformat(day)
    except ValueError:
        day = today_now().date().isoformat()
    status = request.args.get("status", "scheduled")
    if status not in dict(CALL_STATES) and status != "":
        status = "scheduled"
    return {"date": day, "status": status}


def _calls(filters: dict[str, str]) -> Section:
    number = page_number()
    try:
        body = services().get(
            "communication", "/api/phone-calls", **filters, page=number, per_page=PER_PAGE
        )
    except ServiceUnavailable as exc:
        return Section(outage=exc.message)
    except ApiRejected as exc:
        return Section(outage=refusal(exc))
    page = Page.of(body, filters)
    practices: dict[int, dict[str, Any]] = {}  # one look-up per therapist, not per call
    for call in page.items:
        key = call["therapist_id"]
        call["practice"] = practices[key] = practices.get(key) or _practice(call)
        call["time"] = berlin_time(call.get("slot_start"))
        call["time_end"] = berlin_time(call.get("slot_end"))
    return Section(page)


def _practice(call: dict[str, Any]) -> dict[str, Any]:
    """Name and phone: what the call carries, else the therapist service (if it answers)."""
    known = call.get("therapist") or {}
    if known.get("name") and known.get("phone"):
        return {"name": known["name"], "phone": known["phone"]}
    try:
        found = services().get("therapist", f"/api/therapists/{call['therapist_id']}")
    except (ServiceUnavailable, ApiRejected):
        found = {}
    name = full_name(found) if found else ""
    return {
        "name": known.get("name") or name or f"Therapeut:in Nr. {call['therapist_id']}",
        "phone": known.get("phone") or found.get("phone") or "",
    }


def _attention(service: str, label: str) -> Section:
    param = f"{service}_page"
    try:
        body = services().get(
            service, "/api/attention", page=_number(param), per_page=ATTENTION_PER_PAGE
        )
    except ServiceUnavailable as exc:
        return Section(outage=exc.message, label=label)
    except ApiRejected as exc:
        return Section(outage=refusal(exc), label=label)
    page = NamedPage.of(body, _other_pages(param))
    page.param = param
    page.items.sort(key=lambda item: item.get("reason") != CRISIS)  # crisis flags first
    return Section(page, label=label)


def _other_pages(param: str) -> dict[str, Any]:
    """The page's other query parameters, so paging one list keeps the others where they are."""
    return {k: v for k, v in request.args.items() if k != param}


def _crisis() -> Section:
    try:
        body = services().get("patient", "/api/attention", reason=CRISIS, per_page=100)
    except ServiceUnavailable as exc:
        return Section(outage=exc.message)
    except ApiRejected as exc:
        return Section(outage=refusal(exc))
    return Section(Page.of(body, {}))


@blueprint.get("/")
@role_required("staff", "admin")
def index() -> Any:
    filters = _filters()
    return render_template(
        "today.html",
        filters=filters,
        states=CALL_STATES,
        calls=_calls(filters),
        crisis=_crisis(),
        attention=[_attention(service, label) for service, label in ATTENTION_SERVICES],
        outcomes=OUTCOMES,
        outcome_labels=OUTCOME_LABELS,
        forms={},
        form_state=FormState,
        new_key=lambda: uuid.uuid4().hex,
        single=None,
    )


def _typed_outcomes() -> dict[int, str]:
    """`outcome-<placement_request_id>` selects that have a value (empty = not answered)."""
    chosen: dict[int, str] = {}
    for name, value in request.form.items():
        if name.startswith("outcome-") and name[8:].isdigit() and value:
            chosen[int(name[8:])] = value
    return chosen


def _posted_call(call_id: int) -> dict[str, Any]:
    """The call as the form carried it, to show the form again without asking the service."""
    ids = [int(v) for v in request.form.getlist("placement_request_id") if v.isdigit()]
    return {
        "id": call_id,
        "practice": {
            "name": request.form.get("practice_name", ""),
            "phone": request.form.get("practice_phone", ""),
        },
        "time": request.form.get("slot_time", ""),
        "patients": [
            {
                "placement_request_id": prid,
                "patient_id": request.form.get(f"patient-{prid}", ""),
                "reference": request.form.get(f"reference-{prid}", f"PR-{prid}"),
            }
            for prid in ids
        ],
    }


def _outcome_body(chosen: dict[int, str]) -> tuple[dict[str, Any], dict[str, str]]:
    reached = request.form.get("reached", "")
    errors: dict[str, str] = {}
    if reached not in ("yes", "no"):
        errors["reached"] = "Bitte wählen Sie „erreicht“ oder „nicht erreicht“."
    elif reached == "no" and chosen:
        errors["reached"] = (
            "Bei „nicht erreicht“ gibt es keine Antworten – bitte „erreicht“ wählen oder die "
            "Antworten auf „keine Antwort“ zurücksetzen."
        )
    outcomes = [{"placement_request_id": k, "outcome": v} for k, v in chosen.items()]
    body: dict[str, Any] = {"reached": reached == "yes", "outcomes": outcomes}
    body["note"] = request.form.get("note", "").strip() or None
    return body, errors


def outcome_errors(exc: ApiRejected, body: dict[str, Any]) -> dict[str, str]:
    """`outcomes.0.outcome` → the select of that request; `note` stays `note`."""
    errors: dict[str, str] = {}
    for key, text in field_errors(exc.details).items():
        parts = key.split(".")
        if parts[0] == "outcomes" and len(parts) > 1 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(body["outcomes"]):
                key = f"outcome-{body['outcomes'][index]['placement_request_id']}"
        errors[key] = text
    return errors


@blueprint.post("/anrufe/<int:call_id>/ergebnis")
@role_required("staff", "admin")
def record_call(call_id: int) -> Any:
    body, errors = _outcome_body(_typed_outcomes())
    form = FormState(dict(request.form), errors)
    if errors:
        form.message = "Das Ergebnis wurde nicht gespeichert. Bitte prüfen Sie die Angaben."
        return _call_page(call_id, form)
    try:
        services().put(
            "communication",
            f"/api/phone-calls/{call_id}/outcome",
            json=body,
            idempotency_key=request.form.get("idempotency_key") or None,
        )
    except ServiceUnavailable as exc:
        form.message = exc.message
        return _call_page(call_id, form, 503)
    except ApiRejected as exc:
        form.errors = outcome_errors(exc, body)
        form.message = _call_refusal(exc)
        return _call_page(call_id, form, 400 if exc.status == 400 else exc.status)
    flash("Anruf erfasst." if body["reached"] else "„Nicht erreicht“ erfasst.")
    return redirect(url_for("today.index"))


def _call_refusal(exc: ApiRejected) -> str:
    if exc.status == 409:
        return "Dieser Anruf ist nicht mehr geplant oder schon erfasst (ein anderer Eintrag?)."
    if exc.status == 422:
        return "Mindestens eine Anfrage gehört nicht zu diesem Anruf."
    if exc.status == 404:
        return "Diesen Anruf gibt es nicht (mehr)."
    return refusal(exc)


def _call_page(call_id: int, form: FormState, status: int = 400) -> Any:
    """The one call's form again, with what was typed and the messages."""
    return render_template(
        "today.html",
        single=_posted_call(call_id),
        forms={call_id: form},
        outcomes=OUTCOMES,
        outcome_labels=OUTCOME_LABELS,
        new_key=lambda: uuid.uuid4().hex,
    ), status
