"""Therapeut:innen: search; one record with its contact history; block, unblock and lift a
cooling period (therapist, communication and matching services)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from staff_console.formatting import full_name
from staff_console.labels import CHANNEL_LABELS, PROCEDURE_LABELS, WEEKDAYS
from staff_console.messages import field_errors, refusal
from staff_console.services import ApiRejected, ServiceUnavailable
from staff_console.web import FormState, Page, page_number, role_required, services

blueprint = Blueprint("therapists", __name__, url_prefix="/therapeutinnen")
staff = role_required("staff", "admin")
BERLIN = ZoneInfo("Europe/Berlin")
PER_PAGE = 20
FILTERS = ("q", "postal_code", "procedure", "accepting", "status")
FORMS = ("block", "unblock", "lift")

CAPACITY = {
    "yes": "nimmt neue Patient:innen an",
    "no": "keine freien Plätze",
    "unknown": "unbekannt",
}
STATUS = {"active": "aktiv", "blocked": "gesperrt", "inactive": "inaktiv"}
AGE_GROUPS = {"adults": "Erwachsene", "children_adolescents": "Kinder und Jugendliche"}
SETTINGS = {"individual": "Einzeltherapie", "group": "Gruppentherapie"}
CONTACT_KINDS = {
    "outreach": "Anfrage",
    "reminder": "Erinnerung",
    "follow_up": "Nachfassen",
    "response": "Antwort",
}
REASON_MISSING = {
    "block": "Bitte geben Sie einen Grund für die Sperre an.",
    "lift": "Bitte geben Sie einen Grund an, warum die Abkühlungsphase aufgehoben wird.",
}
CONFLICTS = {
    "block": "Diese Therapeutin / dieser Therapeut lässt sich im aktuellen Status nicht sperren. "
    "Bitte laden Sie die Seite neu.",
    "unblock": "Diese Therapeutin / dieser Therapeut lässt sich im aktuellen Status nicht "
    "entsperren. Bitte laden Sie die Seite neu.",
    "lift": "Für diese Therapeutin / diesen Therapeuten läuft gerade keine Abkühlungsphase – es "
    "gibt nichts aufzuheben.",
}


@blueprint.context_processor
def labels() -> dict[str, Any]:
    return {
        "full_name": full_name,
        "procedures": PROCEDURE_LABELS,
        "capacity": CAPACITY,
        "statuses": STATUS,
        "age_groups": AGE_GROUPS,
        "settings": SETTINGS,
        "channels": CHANNEL_LABELS,
        "contact_kinds": CONTACT_KINDS,
        "weekdays": WEEKDAYS,
    }


@blueprint.get("/", endpoint="index")
@staff
def index() -> Any:
    args = {name: request.args.get(name, "").strip() for name in FILTERS}
    search = FormState(args)
    page = Page([], 1, PER_PAGE, 0, args)
    status = 200
    try:
        body = services().get(
            "therapist", "/api/therapists", page=page_number(), per_page=PER_PAGE, **args
        )
        page = Page.of(body, args)
    except ApiRejected as exc:
        search.errors = field_errors(exc.details)
        search.message = refusal(exc)
        status = exc.status
    return render_template("therapists/index.html", page=page, search=search), status


@blueprint.get("/<int:therapist_id>", endpoint="detail")
@staff
def detail(therapist_id: int, forms: dict[str, FormState] | None = None, status: int = 200) -> Any:
    therapist, therapist_outage = _therapist(therapist_id)
    history, history_outage = _history(therapist_id)
    return render_template(
        "therapists/detail.html",
        therapist_id=therapist_id,
        therapist=therapist,
        therapist_outage=therapist_outage,
        history=history,
        history_outage=history_outage,
        forms=_forms(forms or {}),
    ), status


def _therapist(therapist_id: int) -> tuple[dict[str, Any] | None, str | None]:
    try:
        return services().get("therapist", f"/api/therapists/{therapist_id}"), None
    except ServiceUnavailable as exc:
        return None, exc.message
    except ApiRejected as exc:
        if exc.status == 404:
            abort(404)
        return None, refusal(exc)


def _history(therapist_id: int) -> tuple[dict[str, Any] | None, str | None]:
    path = f"/api/therapists/{therapist_id}/contact-history"
    try:
        return services().get("communication", path), None
    except ServiceUnavailable as exc:
        return None, exc.message
    except ApiRejected as exc:
        if exc.status == 404:
            return {"contacts": [], "responses": [], "cooling_periods": []}, None
        return None, refusal(exc)


def _forms(given: dict[str, FormState]) -> dict[str, FormState]:
    """Each action's form: the one just sent as typed, the others fresh with a new key."""
    return {
        name: given.get(name) or FormState({"idempotency_key": uuid.uuid4().hex}) for name in FORMS
    }


def _values() -> dict[str, str]:
    return {
        "reason": request.form.get("reason", "").strip(),
        "idempotency_key": request.form.get("idempotency_key", "") or uuid.uuid4().hex,
    }


def _again(
    therapist_id: int,
    name: str,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int = 400,
) -> Any:
    return detail(therapist_id, {name: FormState(values, errors or {}, message)}, status)


def _send(
    therapist_id: int, name: str, values: dict[str, str], call: Callable[[], Any], done: str
) -> Any:
    """Send the API call once; on a refusal or outage show the form again as typed."""
    try:
        call()
    except ServiceUnavailable as exc:
        return _again(therapist_id, name, values, message=exc.message, status=503)
    except ApiRejected as exc:
        if exc.status == 404:
            abort(404)
        if exc.status == 409:
            return _again(therapist_id, name, values, message=CONFLICTS[name], status=409)
        errors = field_errors(exc.details)
        message = errors.pop("body", None) or refusal(exc)
        return _again(therapist_id, name, values, errors, message, exc.status)
    flash(done)
    return redirect(url_for("therapists.detail", therapist_id=therapist_id))


def _put_status(therapist_id: int, body: dict[str, Any], key: str) -> Callable[[], Any]:
    path = f"/api/therapists/{therapist_id}/status"
    return lambda: services().put("therapist", path, json=body, idempotency_key=key)


@blueprint.post("/<int:therapist_id>/sperren", endpoint="block")
@staff
def block(therapist_id: int) -> Any:
    values = _values()
    if not values["reason"]:
        return _again(therapist_id, "block", values, {"reason": REASON_MISSING["block"]})
    body = {"status": "blocked", "reason": values["reason"]}
    call = _put_status(therapist_id, body, values["idempotency_key"])
    return _send(
        therapist_id,
        "block",
        values,
        call,
        "Gesperrt: Es gehen keine Anfragen mehr an diese Therapeutin / diesen Therapeuten.",
    )


@blueprint.post("/<int:therapist_id>/entsperren", endpoint="unblock")
@staff
def unblock(therapist_id: int) -> Any:
    values = _values()
    body = {"status": "active", **({"reason": values["reason"]} if values["reason"] else {})}
    call = _put_status(therapist_id, body, values["idempotency_key"])
    return _send(therapist_id, "unblock", values, call, "Entsperrt: wieder aktiv.")


@blueprint.post("/<int:therapist_id>/abkuehlung-aufheben", endpoint="lift_cooling")
@staff
def lift_cooling(therapist_id: int) -> Any:
    values = _values()
    if not values["reason"]:
        return _again(therapist_id, "lift", values, {"reason": REASON_MISSING["lift"]})
    path = f"/api/therapists/{therapist_id}/cooling/lift"

    def call() -> Any:
        return services().post(
            "matching",
            path,
            json={"reason": values["reason"]},
            idempotency_key=values["idempotency_key"],
        )

    return _send(
        therapist_id,
        "lift",
        values,
        call,
        "Die Abkühlungsphase ist aufgehoben; die "
        "nächste Sammelanfrage darf diese Praxis wieder einbeziehen.",
    )
