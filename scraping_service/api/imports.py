"""Import run resources: upload responses (queued for the worker), list runs, one run's detail."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_restful import Resource

from scraping_service.api.schemas.imports import (
    ImportAccepted,
    ImportQuery,
    ImportRunList,
    ImportRunRead,
    RejectedPageQuery,
    RunListQuery,
)
from scraping_service.context import ScrapingContext
from scraping_service.domain.runs import COUNTS, ImportRun, RejectedRecord, RunStatus
from scraping_service.services import imports
from shared.http.app_factory import context_of
from shared.http.auth import actor
from shared.http.errors import ApiError
from shared.http.idempotency import idempotent
from shared.http.operations import AuditRecord, operation
from shared.http.pagination import page_body

TAGS = ("imports",)
READERS = ("admin", "staff")


def run_summary(run: ImportRun) -> dict[str, Any]:
    """The API view of an import run."""
    return {
        "id": run.id,
        "source": run.source,
        "area": run.area,
        "full_run": run.full_run,
        "status": run.status,
        "file_name": run.file_name,
        "requested_by": run.requested_by,
        "counts": {name: getattr(run, f"count_{name}") for name in COUNTS},
        "records": run.count_records,
        "duplicates": run.count_duplicates,
        "warnings": run.count_warnings,
        "created_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "duration_s": run.duration_s,
        "error": run.error,
        "details": run.details,
    }


def _rejected_view(record: RejectedRecord) -> dict[str, Any]:
    return {
        "external_id": record.external_id,
        "position": record.position,
        "reasons": record.reasons,
        "item": record.item,
    }


def install_upload_limit(app: Flask, limit: int) -> None:
    """`POST /api/imports` takes bodies up to `limit` (IMPORT_MAX_UPLOAD_BYTES) instead of the
    services' MAX_REQUEST_BYTES; a declared larger body is refused before it is read."""

    @app.before_request
    def _larger_uploads() -> None:
        if request.method != "POST" or request.path.rstrip("/") != UPLOAD_PATH:
            return
        request.max_content_length = limit
        if (request.content_length or 0) > limit:
            raise ApiError(
                413,
                f"The upload has {request.content_length} bytes; imports take at most {limit} "
                "(IMPORT_MAX_UPLOAD_BYTES). Split the file.",
                "payload_too_large",
                {"limit_bytes": limit},
            )


UPLOAD_PATH = "/api/imports"


def _uploaded() -> tuple[bytes, str | None]:
    """The document from a JSON body or from the multipart field `file`, and its file name."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise ApiError(
                400,
                "Send the response file in the form field 'file'.",
                "validation_error",
                {"file": ["missing"]},
            )
        return upload.read(), upload.filename
    if request.is_json:
        return request.get_data(), None
    raise ApiError(415, "Send JSON (application/json) or a file (multipart/form-data).")


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
        raw, name = _uploaded()
        run_id = imports.queue_upload(
            context_of(ScrapingContext), raw, name, query.area, query.full_run, actor()
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
        runs, total = imports.list_runs(
            context_of(ScrapingContext), query.offset, query.per_page, query.status, query.source
        )
        return page_body([run_summary(run) for run in runs], query, total)


class ImportResource(Resource):
    @operation(
        "One import run: status, counts, duration, rejected records with reasons",
        roles=READERS,
        query=RejectedPageQuery,
        tags=TAGS,
        responses={200: ("Run", ImportRunRead), 404: ("No such run", None)},
    )
    def get(self, run_id: int, query: RejectedPageQuery) -> Any:
        offset = (query.page - 1) * query.per_page
        run, rejected = imports.read_run(
            context_of(ScrapingContext), run_id, offset, query.per_page
        )
        return {
            **run_summary(run),
            "rejected_page": query.page,
            "rejected_per_page": query.per_page,
            "rejected_records": [_rejected_view(record) for record in rejected],
        }
