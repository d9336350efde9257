"""Import runs (upload, list, detail) and the live import's stop switch."""

from __future__ import annotations

from typing import Any

from flask import g, request
from flask_restful import Resource

from scraping_service import payloads, services
from scraping_service.api.schemas import (
    ImportAccepted,
    ImportQuery,
    ImportRunList,
    ImportRunRead,
    LiveStatusRead,
    LiveStopUpdate,
    RejectedPageQuery,
    RunListQuery,
)
from scraping_service.domain import RunStatus
from shared.http.app_factory import context
from shared.http.errors import ApiError
from shared.http.idempotency import idempotent
from shared.http.operations import AuditRecord, operation
from shared.http.pagination import page_body
from shared.vocabulary import ImportSource

TAGS = ("imports",)
READERS = ("admin", "staff")
MAX_ID = 2**63 - 1
COUNTS = ("new", "changed", "unchanged", "disappeared", "rejected")


def run_summary(run: Any) -> dict[str, Any]:
    """The API view of an import run row."""
    duration = (
        (run.finished_at - run.started_at).total_seconds()
        if run.finished_at and run.started_at
        else None
    )
    return {
        "id": run.id,
        "source": run.source,
        "area": run.area,
        "full_run": run.full_run,
        "status": run.status,
        "file_name": run.file_name,
        "requested_by": run.requested_by,
        "counts": {n: getattr(run, f"count_{n}") for n in COUNTS},
        "records": run.count_records,
        "duplicates": run.count_duplicates,
        "warnings": run.count_warnings,
        "created_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "duration_s": duration,
        "error": run.error,
        "details": run.details,
    }


def _uploaded() -> tuple[payloads.Batch, str | None]:
    """The responses from a JSON body or from the multipart field `file`."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise ApiError(
                400,
                "Send the response file in the form field 'file'.",
                "validation_error",
                {"file": ["missing"]},
            )
        raw, name = upload.read(), upload.filename
    elif request.is_json:
        raw, name = request.get_data(), None
    else:
        raise ApiError(415, "Send JSON (application/json) or a file (multipart/form-data).")
    try:
        return payloads.read_batch(payloads.decode(raw)), name
    except payloads.PayloadError as exc:
        raise ApiError(
            400, f"Not an Arztsuche response: {exc}", "validation_error", {"body": [str(exc)]}
        ) from exc


class ImportListResource(Resource):
    @operation(
        "Upload Arztsuche responses (JSON body or multipart `file`); queued for the worker",
        roles=("admin",),
        query=ImportQuery,
        tags=TAGS,
        responses={
            202: ("Queued", ImportAccepted),
            415: ("Not JSON or multipart", None),
            413: ("Too large", None),
        },
        audit=AuditRecord("import_run", response="id"),
    )
    @idempotent
    def post(self, query: ImportQuery) -> Any:
        batch, name = _uploaded()
        principal = getattr(g, "principal", None)
        run_id = services.queue_import(
            context(),
            batch,
            ImportSource.UPLOAD,
            batch.area or query.area,
            query.full_run if batch.full_run is None else batch.full_run,
            requested_by=principal.subject if principal else None,
            file_name=(name or None) and name[:500],
        )
        return {"id": run_id, "status": RunStatus.QUEUED.value}, 202

    @operation(
        "Import runs, newest first",
        roles=READERS,
        query=RunListQuery,
        tags=TAGS,
        responses={200: ("Runs", ImportRunList)},
    )
    def get(self, query: RunListQuery) -> Any:
        rows, total = services.list_runs(context(), query.offset, query.per_page)
        return page_body([run_summary(r) for r in rows], query, total)


class ImportResource(Resource):
    @operation(
        "One import run: status, counts, duration, rejected records with reasons",
        roles=READERS,
        query=RejectedPageQuery,
        tags=TAGS,
        responses={200: ("Run", ImportRunRead), 404: ("No such run", None)},
    )
    def get(self, run_id: int, query: RejectedPageQuery) -> Any:
        found = (
            services.read_run(context(), run_id, (query.page - 1) * query.per_page, query.per_page)
            if run_id <= MAX_ID
            else None
        )
        if found is None:
            raise ApiError(404, f"No import run {run_id}.")
        run, rejected = found
        return {
            **run_summary(run),
            "rejected_page": query.page,
            "rejected_per_page": query.per_page,
            "rejected_records": [
                {
                    "external_id": r.external_id,
                    "position": r.position,
                    "reasons": r.reasons,
                    "item": r.item,
                }
                for r in rejected
            ],
        }


def _live_status() -> dict[str, Any]:
    ctx = context()
    switch = services.live_switch(ctx)
    return {
        "enabled": ctx.settings.live_enabled,
        "stopped": ctx.settings.live_stopped or bool(switch and switch.enabled),
        "stopped_by_setting": ctx.settings.live_stopped,
        "reason": switch.reason if switch else None,
        "changed_by": switch.changed_by if switch else None,
        "changed_at": switch.changed_at.isoformat() if switch else None,
        "areas": [label for label, _ in ctx.settings.live_area_tiles()],
    }


class LiveResource(Resource):
    @operation(
        "Live import: enabled, stop switch, configured areas",
        roles=("admin",),
        tags=TAGS,
        responses={200: ("Live import status", LiveStatusRead)},
    )
    def get(self) -> Any:
        return _live_status()


class LiveStopResource(Resource):
    @operation(
        "Stop (or allow again) the live import; a running crawl stops at the next tile",
        roles=("admin",),
        body=LiveStopUpdate,
        tags=TAGS,
        responses={200: ("Live import status", LiveStatusRead), 415: ("Body is not JSON", None)},
    )
    def put(self, body: LiveStopUpdate) -> Any:
        principal = getattr(g, "principal", None)
        services.set_live_stop(
            context(), body.stopped, body.reason, principal.subject if principal else None
        )
        return _live_status()
