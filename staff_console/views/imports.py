"""Importe (admin): upload 116117 Arztsuche responses, the import runs and one run's rejected
records (scraping service)."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from staff_console.messages import field_errors, refusal
from staff_console.services import ApiRejected, ServiceUnavailable
from staff_console.web import FormState, Page, admin_only, page_number, services

blueprint = Blueprint("imports", __name__, url_prefix="/importe")
PER_PAGE = 20
REJECTED_PER_PAGE = 50

RUN_STATUS = {
    "queued": "eingereiht",
    "running": "läuft",
    "succeeded": "abgeschlossen",
    "failed": "fehlgeschlagen",
    "stopped": "abgebrochen",
}
SOURCES = {"upload": "Upload", "folder": "Ordner", "live": "116117 live"}
COUNT_LABELS = (
    ("new", "neu"),
    ("changed", "geändert"),
    ("unchanged", "unverändert"),
    ("disappeared", "verschwunden"),
    ("rejected", "abgelehnt"),
)
NO_FILE = "Bitte wählen Sie eine Datei aus."
TOO_LARGE = (
    "Die Datei ist größer, als der Importdienst annimmt (Grenze IMPORT_MAX_UPLOAD_BYTES, "
    "standardmäßig 64 MiB). Bitte teilen Sie die Antworten auf mehrere Dateien auf."
)
NOT_ARZTSUCHE = "Die Datei ist keine Antwort der 116117-Arztsuche (JSON oder gzip): {0}"
TWICE = (
    "Diese Datei wurde schon übermittelt (doppelt abgeschickt). Bitte prüfen Sie die Liste der "
    "Läufe unten."
)


@blueprint.context_processor
def labels() -> dict[str, Any]:
    return {
        "run_status": RUN_STATUS,
        "sources": SOURCES,
        "count_labels": COUNT_LABELS,
    }


@blueprint.get("/", endpoint="index")
@admin_only
def index(form: FormState | None = None, status: int = 200) -> Any:
    filters = _filters()
    page, outage = None, None
    try:
        body = services("admin").get(
            "scraping", "/api/imports", page=page_number(), per_page=PER_PAGE, **filters
        )
        page = Page.of(body, filters)
    except ServiceUnavailable as exc:
        outage = exc.message
    form = form or FormState({"area": "upload", "idempotency_key": uuid.uuid4().hex})
    return render_template(
        "imports/index.html", page=page, outage=outage, form=form, filters=filters
    ), status


def _filters() -> dict[str, str]:
    """The run list's filters; a value the list does not offer is ignored."""
    status, source = request.args.get("status", ""), request.args.get("source", "")
    return {
        "status": status if status in RUN_STATUS else "",
        "source": source if source in SOURCES else "",
    }


def _upload_values() -> dict[str, str]:
    return {
        "area": request.form.get("area", "").strip(),
        "full_run": "1" if request.form.get("full_run") else "",
        "idempotency_key": request.form.get("idempotency_key", "") or uuid.uuid4().hex,
    }


@blueprint.post("/", endpoint="upload")
@admin_only
def upload() -> Any:
    values = _upload_values()
    document = request.files.get("file")
    chosen = document is not None and bool(document.filename)
    content = document.read() if chosen else b""
    if not content:
        error = "Die Datei ist leer." if chosen else NO_FILE
        return index(FormState(values, {"file": error}), 400)
    try:
        accepted = _forward(document.filename, content, document.mimetype, values)
    except ServiceUnavailable as exc:
        return index(FormState(values, {}, exc.message + " Bitte wählen Sie die Datei neu."), 503)
    except ApiRejected as exc:
        return index(_refused(values, exc), exc.status)
    flash(
        f"Die Datei „{document.filename}“ ist angenommen: Import Nr. {accepted['id']} ist "
        "eingereiht."
    )
    return redirect(url_for("imports.detail", run_id=accepted["id"]))


def _forward(name: str, content: bytes, mimetype: str | None, values: dict[str, str]) -> Any:
    """The file as the multipart field `file`; area and full_run are query parameters."""
    return services("admin").request(
        "POST",
        "scraping",
        "/api/imports",
        params={"area": values["area"], "full_run": "true" if values["full_run"] else "false"},
        files={"file": (name, content, mimetype or "application/json")},
        idempotency_key=values["idempotency_key"],
    )


def _refused(values: dict[str, str], exc: ApiRejected) -> FormState:
    """The upload form again with the API's objection next to its field (German)."""
    if exc.status == 413:
        return FormState(values, {"file": TOO_LARGE})
    if exc.status in (409, 422) and not exc.details:
        return FormState(values, {}, TWICE)
    errors = field_errors(exc.details)
    if "body" in errors:
        errors["file"] = NOT_ARZTSUCHE.format(errors.pop("body"))
    elif "file" in errors:
        errors["file"] = NO_FILE
    return FormState(values, errors, refusal(exc))


@blueprint.get("/<int:run_id>", endpoint="detail")
@admin_only
def detail(run_id: int) -> Any:
    number = page_number()
    try:
        run = services("admin").get(
            "scraping", f"/api/imports/{run_id}", page=number, per_page=REJECTED_PER_PAGE
        )
    except ApiRejected as exc:
        if exc.status == 404:
            abort(404)
        return render_template("error.html", title="Nicht möglich", message=refusal(exc)), 400
    rejected = Page(
        run.get("rejected_records", []),
        number,
        REJECTED_PER_PAGE,
        int(run.get("counts", {}).get("rejected", 0)),
    )
    return render_template("imports/detail.html", run=run, rejected=rejected)
