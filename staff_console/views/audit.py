"""Datenschutz → Protokolle (admin only): the audit trail of one of the six services
(`GET /api/audit`, filtered by who acted and which patient), naming the console's people."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from sqlalchemy import select

from staff_console.config import SERVICES
from staff_console.messages import field_errors, refusal
from staff_console.models import Account
from staff_console.services import ApiRejected, ServiceUnavailable
from staff_console.views.privacy import patient_id_of, service_label
from staff_console.web import FormState, Page, admin_only, db, page_number, services

blueprint = Blueprint("audit", __name__, url_prefix="/datenschutz")
AUDIT_SERVICES = SERVICES
ACTION_LABELS = {
    "read": "gelesen",
    "create": "angelegt",
    "update": "geändert",
    "delete": "gelöscht",
    "action": "Aktion",
}


def audit_query(form: FormState) -> dict[str, Any]:
    """The console's filters as the audit route's query (`subject`, `record`), or field errors."""
    actor = form.value("actor").strip()
    query: dict[str, Any] = {"subject": None, "record": None}
    if actor:
        query["subject"] = actor if ":" in actor else f"console:{actor}"
    patient_text = form.value("patient").strip()
    if patient_text:
        patient_id = patient_id_of(patient_text)
        if patient_id is None:
            form.errors["patient"] = "Bitte eine Patienten-ID (ganze Zahl ab 1) angeben."
        else:
            query["record"] = f"patient:{patient_id}"
    if form.value("service") not in AUDIT_SERVICES:
        form.errors["service"] = "Bitte einen der angebotenen Dienste wählen."
    return query


@blueprint.get("/protokoll", endpoint="index")
@admin_only
def audit() -> Any:
    form = FormState({name: request.args.get(name, "") for name in ("actor", "patient")})
    form.values["service"] = request.args.get("service", "patient")
    query = audit_query(form)
    page = None
    if not form.errors:
        page = _audit_page(form, query)
    options = [(name, service_label(name)) for name in AUDIT_SERVICES]
    people = console_people(page.items) if page else {}
    return render_template(
        "privacy/audit.html",
        form=form,
        page=page,
        options=options,
        people=people,
        action_labels=ACTION_LABELS,
    )


def console_people(entries: list[dict[str, Any]]) -> dict[str, str]:
    """`console:<username>` → the account's name, for the subjects on this page."""
    usernames = {
        str(entry.get("subject", "")).removeprefix("console:")
        for entry in entries
        if str(entry.get("subject", "")).startswith("console:")
    }
    if not usernames:
        return {}
    rows = db().execute(
        select(Account.username, Account.display_name).where(Account.username.in_(usernames))
    )
    return {f"console:{username}": name for username, name in rows}


def _audit_page(form: FormState, query: dict[str, Any]) -> Page | None:
    params = {**query, "page": page_number(), "per_page": 50}
    try:
        body = services("admin").get(form.value("service"), "/api/audit", **params)
    except ServiceUnavailable as exc:
        form.message = exc.message
        return None
    except ApiRejected as exc:
        errors = field_errors(exc.details, prefix="")
        form.errors.update(
            {{"subject": "actor", "record": "patient"}.get(k, k): v for k, v in errors.items()}
        )
        form.message = refusal(exc)
        return None
    return Page.of(body, dict(form.values))
