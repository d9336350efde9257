"""Antworten erfassen: a practice's answer to an e-mail, one outcome per placement request."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from staff_console.labels import OUTCOME_LABELS, OUTCOMES
from staff_console.messages import refusal
from staff_console.services import ApiRejected, ServiceUnavailable
from staff_console.views.today import outcome_errors
from staff_console.web import FormState, Page, get_or_404, page_number, role_required, services

blueprint = Blueprint("answers", __name__, url_prefix="/antworten")
PER_PAGE = 20
# ResponseCreate allows `email` and `phone`; letters and faxes are recorded as `email`.
CHANNELS = (("email", "E-Mail, Brief oder Fax"), ("phone", "Telefon"))
RECEIVED_BY = {**dict(CHANNELS), "link": "Antwort-Link der E-Mail"}
EMAIL_STATES = (
    ("sent", "versendet"),
    ("queued", "in der Warteschlange"),
    ("sending", "wird gesendet"),
    ("failed", "fehlgeschlagen"),
    ("draft", "Entwurf"),
    ("cancelled", "storniert"),
)


def _positive(name: str) -> tuple[int | None, str | None]:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None, None
    if raw.isdigit() and 0 < int(raw) < 2**63:
        return int(raw), None
    return None, "Bitte eine positive ganze Zahl angeben."


def _filters() -> tuple[dict[str, Any], FormState]:
    therapist_id, therapist_error = _positive("therapist_id")
    request_id, request_error = _positive("placement_request_id")
    status = request.args.get("status", "sent")
    if status not in dict(EMAIL_STATES):
        status = ""
    values = {
        "therapist_id": request.args.get("therapist_id", ""),
        "placement_request_id": request.args.get("placement_request_id", ""),
        "status": status,
    }
    errors = {
        k: v
        for k, v in {"therapist_id": therapist_error, "placement_request_id": request_error}.items()
        if v
    }
    filters = {"therapist_id": therapist_id, "status": status, "placement_request_id": request_id}
    return filters, FormState(values, errors)


def _request_of(request_id: int, form: FormState) -> dict[str, Any] | None:
    """The placement request (matching): whose it is and to which therapist it went."""
    try:
        return services().get("matching", f"/api/placement-requests/{request_id}")
    except ApiRejected:
        form.errors["placement_request_id"] = "Diese Platzanfrage gibt es nicht."
    except ServiceUnavailable as exc:
        form.message = exc.message
    return None


@blueprint.get("")
@role_required("staff", "admin")
def index() -> Any:
    filters, form = _filters()
    query = {"therapist_id": filters["therapist_id"], "status": filters["status"]}
    found = None
    if filters["placement_request_id"] and not form.errors:
        found = _request_of(filters["placement_request_id"], form)
        if found:
            query.update(therapist_id=found["therapist_id"], patient_id=found["patient_id"])
    page = None
    if not form.errors and not form.message:
        body = services().get(
            "communication", "/api/emails", **query, page=page_number(), per_page=PER_PAGE
        )
        page = Page.of(body, {**form.values, "status": filters["status"]})
        to_practice = [mail for mail in page.items if mail.get("recipient") == "therapist"]
        if found and to_practice:  # newest first: the latest e-mail carrying the request
            return redirect(_email_link(to_practice[0]["id"], found["id"]))
    return render_template(
        "answers/index.html",
        page=page,
        form=form,
        states=EMAIL_STATES,
        found=found,
        direct=_direct_form(found),
        outcomes=OUTCOMES,
        channels=CHANNELS,
    )


def _email_link(email_id: int, request_id: int | None = None) -> str:
    return url_for("answers.email", email_id=email_id, placement_request_id=request_id)


def _direct_form(found: dict[str, Any] | None) -> FormState:
    values: dict[str, Any] = {"idempotency_key": uuid.uuid4().hex, "channel": "email"}
    if found:
        values.update(therapist_id=found["therapist_id"], placement_request_id=found["id"])
    return FormState(values)


def _answered(email: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Per placement request the answer already recorded (outcome, channel, when)."""
    answered: dict[int, dict[str, Any]] = {}
    for response in email.get("responses", []):
        for outcome in response.get("outcomes", []):
            answered[outcome["placement_request_id"]] = {
                "outcome": OUTCOME_LABELS.get(outcome["outcome"], outcome["outcome"]),
                "channel": response.get("channel"),
                "recorded_at": response.get("recorded_at"),
                "patient_id": outcome.get("patient_id"),
            }
    return answered


def _fetch_email(email_id: int) -> dict[str, Any]:
    return get_or_404("communication", f"/api/emails/{email_id}")


def _render_email(email: dict[str, Any], form: FormState, status: int = 200) -> Any:
    highlight, _ = _positive("placement_request_id")
    return render_template(
        "answers/email.html",
        email=email,
        form=form,
        answered=_answered(email),
        outcomes=OUTCOMES,
        channels=CHANNELS,
        highlight=highlight,
        states=dict(EMAIL_STATES),
        received_by=RECEIVED_BY,
    ), status


@blueprint.get("/email/<int:email_id>")
@role_required("staff", "admin")
def email(email_id: int) -> Any:
    form = FormState({"idempotency_key": uuid.uuid4().hex, "channel": "email"})
    return _render_email(_fetch_email(email_id), form)


def _chosen() -> list[dict[str, Any]]:
    """`outcome-<placement_request_id>` selects with an answer ("" = keine Antwort)."""
    outcomes = []
    for prid in request.form.getlist("placement_request_id"):
        value = request.form.get(f"outcome-{prid}", "")
        if prid.isdigit() and value:
            outcomes.append({"placement_request_id": int(prid), "outcome": value})
    return outcomes


def _response_body(therapist_id: str, outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "therapist_id": int(therapist_id) if therapist_id.isdigit() else therapist_id,
        "channel": request.form.get("channel", ""),
        "outcomes": outcomes,
        "note": request.form.get("note", "").strip() or None,
    }


def _send(body: dict[str, Any], form: FormState) -> tuple[dict[str, Any] | None, int]:
    """POST /api/responses once; on a refusal or outage the form gets the messages."""
    try:
        result = services().post(
            "communication",
            "/api/responses",
            json=body,
            idempotency_key=request.form.get("idempotency_key") or None,
        )
    except ServiceUnavailable as exc:
        form.message = exc.message
        return None, 503
    except ApiRejected as exc:
        form.errors = outcome_errors(exc, body)
        form.message = _response_refusal(exc)
        return None, exc.status if exc.status in (409, 422) else 400
    return result, 201


def _response_refusal(exc: ApiRejected) -> str:
    if exc.status == 409:
        return (
            "Zu mindestens einer dieser Anfragen ist schon eine Antwort erfasst. Bitte prüfen "
            f"Sie die bisherigen Antworten. ({exc.message})"
        )
    if exc.status == 422:
        return (
            "An diese Praxis wurde zu mindestens einer dieser Anfragen noch nichts versendet – "
            f"eine Antwort kann es noch nicht geben. ({exc.message})"
        )
    return refusal(exc)


def _effects(result: dict[str, Any]) -> str:
    parts = [
        f"PR-{o['placement_request_id']}: {OUTCOME_LABELS.get(o['outcome'], o['outcome'])}"
        for o in result.get("outcomes", [])
    ]
    return "Antworten gespeichert (" + ", ".join(parts) + ")."


@blueprint.post("/email/<int:email_id>")
@role_required("staff", "admin")
def record(email_id: int) -> Any:
    form = FormState(dict(request.form))
    outcomes = _chosen()
    body = _response_body(request.form.get("therapist_id", ""), outcomes)
    if not outcomes:
        form.message = "Bitte wählen Sie mindestens zu einer Anfrage eine Antwort."
        return _render_email(_email_again(email_id), form, 400)
    result, status = _send(body, form)
    if result is None:
        return _render_email(_email_again(email_id), form, status)
    flash(_effects(result))
    return redirect(url_for("answers.email", email_id=email_id))


def _email_again(email_id: int) -> dict[str, Any]:
    """The e-mail for the form shown again; if the service is down, what the form carried."""
    try:
        return _fetch_email(email_id)
    except ServiceUnavailable:
        ids = [int(v) for v in request.form.getlist("placement_request_id") if v.isdigit()]
        therapist = request.form.get("therapist_id", "")
        return {
            "id": email_id,
            "therapist_id": int(therapist) if therapist.isdigit() else None,
            "placement_request_ids": ids,
            "responses": [],
            "subject": None,
            "unavailable": True,
        }


@blueprint.post("/direkt")
@role_required("staff", "admin")
def record_direct() -> Any:
    form = FormState(dict(request.form))
    prid = request.form.get("placement_request_id", "").strip()
    therapist = request.form.get("therapist_id", "").strip()
    outcome = request.form.get("outcome", "")
    for name, value in (("therapist_id", therapist), ("placement_request_id", prid)):
        if not (value.isdigit() and int(value) > 0):
            form.errors[name] = "Bitte eine positive ganze Zahl angeben."
    if not outcome:
        form.errors["outcome"] = "Bitte eine Antwort wählen."
    status = 400
    if not form.errors:
        body = _response_body(therapist, [{"placement_request_id": int(prid), "outcome": outcome}])
        result, status = _send(body, form)
        if result is not None:
            flash(_effects(result))
            return redirect(url_for("answers.index"))
        form.errors = {
            ("outcome" if k.startswith("outcome-") else k): v for k, v in form.errors.items()
        }
    form.message = form.message or "Die Antwort wurde nicht gespeichert."
    return render_template(
        "answers/index.html",
        page=None,
        form=FormState({"status": "sent"}),
        states=EMAIL_STATES,
        found=None,
        direct=form,
        outcomes=OUTCOMES,
        channels=CHANNELS,
    ), status
