"""The imports API: upload shapes, validation, roles, run details, listing, purge, stop switch."""

from __future__ import annotations

import gzip
import io
import json
import uuid

import pytest
from integration.scraping_service.helpers import (
    expected_counts,
    fixture_response,
    process,
    run_body,
    upload,
)
from sqlalchemy import func, select

from scraping_service.models import raw_responses

pytestmark = pytest.mark.integration


def test_an_upload_is_queued_and_the_worker_job_processes_it(client, admin, staff, tag):
    run_id = upload(client, admin, fixture_response("data_quality.json", tag), f"{tag}-a")
    queued = run_body(client, staff, run_id)
    assert (queued["status"], queued["source"], queued["requested_by"]) == (
        "queued",
        "upload",
        "admin-tests",
    )
    result = process(client, admin)["result"]
    assert {"run_id": run_id, "status": "succeeded"} in result["processed"]
    done = run_body(client, staff, run_id)
    accepted, rejected = expected_counts(("data_quality.json",))
    assert done["counts"]["new"] == accepted and done["counts"]["rejected"] == rejected
    assert done["records"] == accepted + rejected and done["duration_s"] is not None
    reasons = {r["external_id"]: r["reasons"] for r in done["rejected_records"]}
    assert reasons[f"{tag}-rj-no-plz"] == ["plz: missing or not five digits"]
    assert reasons[None] in (["id: missing"], ["item is not an object"])
    assert done["warnings"] > 0


def test_rejected_records_are_paged(client, admin, tag):
    run_id = upload(client, admin, fixture_response("data_quality.json", tag), f"{tag}-a")
    process(client, admin)
    first = run_body(client, admin, run_id, page=1, per_page=3)
    second = run_body(client, admin, run_id, page=2, per_page=3)
    assert len(first["rejected_records"]) == 3 and len(second["rejected_records"]) == 3
    assert first["rejected_records"][0] != second["rejected_records"][0]


def test_a_multipart_file_and_a_gzipped_file_are_accepted(client, admin, tag):
    body = json.dumps(fixture_response("koeln.json", tag)).encode()
    for name, data in (("koeln.json", body), ("koeln.json.gz", gzip.compress(body))):
        response = client.post(
            f"/api/imports?area={tag}-k",
            headers={**admin, "Idempotency-Key": f"multipart-{uuid.uuid4()}"},
            data={"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
        assert response.status_code == 202, response.get_json()
        run = run_body(client, admin, response.get_json()["id"])
        assert run["file_name"] == name and run["full_run"] is False
        assert run["records"] == 0 and run["status"] == "queued"


def test_a_wrapper_document_names_its_area_and_full_run(client, admin, tag):
    wrapper = {
        "area": f"{tag}-wrapped",
        "full_run": True,
        "responses": [fixture_response("koeln.json", tag)],
    }
    run = run_body(client, admin, upload(client, admin, wrapper, "ignored", full_run=False))
    assert (run["area"], run["full_run"]) == (f"{tag}-wrapped", True)


@pytest.mark.parametrize(
    "body",
    [
        {},
        [],
        {"arztPraxisDatas": "x"},
        [{"arztPraxisDatas": []}, 3],
        {"responses": []},
        {"responses": [{"arztPraxisDatas": []}], "full_run": "yes"},
        "text",
        42,
    ],
)
def test_documents_that_are_not_responses_are_400(client, admin, body):
    response = client.post("/api/imports", json=body, headers=admin)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "validation_error"


def test_other_bodies_are_refused_clearly(client, admin):
    plain = client.post("/api/imports", data="x", content_type="text/plain", headers=admin)
    assert plain.status_code == 415
    broken = client.post(
        "/api/imports", data="{nope", content_type="application/json", headers=admin
    )
    assert broken.status_code == 400
    no_file = client.post(
        "/api/imports", data={"other": "x"}, headers=admin, content_type="multipart/form-data"
    )
    assert no_file.status_code == 400
    bad_query = client.post(
        "/api/imports?full_run=maybe", json={"arztPraxisDatas": []}, headers=admin
    )
    assert bad_query.status_code == 400


def test_only_admins_upload_and_staff_may_read(client, staff, tag):
    body = fixture_response("koeln.json", tag)
    assert client.post("/api/imports", json=body).status_code == 401
    assert client.post("/api/imports", json=body, headers=staff).status_code == 403
    assert client.get("/api/imports", headers=staff).status_code == 200


def test_a_retried_upload_with_the_same_key_queues_one_run(client, admin, tag):
    headers = {**admin, "Idempotency-Key": f"upload-{uuid.uuid4()}"}
    body = fixture_response("koeln.json", tag)
    first = client.post("/api/imports", json=body, headers=headers)
    again = client.post("/api/imports", json=body, headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.get_json()["id"] == again.get_json()["id"]


def test_runs_are_listed_newest_first_with_pages(client, admin, tag):
    ids = [upload(client, admin, fixture_response("koeln.json", tag), f"{tag}-l") for _ in range(3)]
    listed = client.get("/api/imports?page=1&per_page=2", headers=admin).get_json()
    assert listed["per_page"] == 2 and listed["total"] >= 3
    assert [r["id"] for r in listed["items"]] == ids[::-1][:2]
    assert client.get("/api/imports?per_page=101", headers=admin).status_code == 400


def test_runs_are_filtered_by_state_and_source(client, admin, tag):
    done = upload(client, admin, fixture_response("koeln.json", tag), f"{tag}-f1")
    process(client, admin)
    waiting = upload(client, admin, fixture_response("koeln.json", tag), f"{tag}-f2")
    queued = client.get("/api/imports?status=queued&per_page=100", headers=admin).get_json()
    assert waiting in [r["id"] for r in queued["items"]]
    assert done not in [r["id"] for r in queued["items"]]
    assert {r["status"] for r in queued["items"]} == {"queued"}
    assert queued["total"] == len(queued["items"])
    uploads = client.get("/api/imports?source=upload&per_page=100", headers=admin).get_json()
    assert {r["source"] for r in uploads["items"]} == {"upload"}
    assert client.get("/api/imports?status=sideways", headers=admin).status_code == 400


def test_an_unknown_run_is_404(client, admin):
    assert client.get("/api/imports/999999999", headers=admin).status_code == 404


def test_the_purge_job_drops_raw_responses_after_the_retention(make_app, admin, tag):
    app = make_app(allow_clock_override=True, raw_retention_days=30)
    client = app.test_client()
    run_id = upload(client, admin, fixture_response("koeln.json", tag), f"{tag}-p")
    process(client, admin)
    kept = client.post(
        "/api/jobs/purge-raw-responses/run", headers=admin, json={"as_of": "2026-01-20T00:00:00Z"}
    )
    assert kept.status_code == 200 and _raw_count(app, run_id) == 1
    purged = client.post(
        "/api/jobs/purge-raw-responses/run", headers=admin, json={"as_of": "2026-03-01T00:00:00Z"}
    )
    assert purged.status_code == 200 and _raw_count(app, run_id) == 0


def _raw_count(app, run_id: int) -> int:
    with app.extensions["psymatch"].engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(raw_responses).where(raw_responses.c.run_id == run_id)
        ).scalar_one()


def test_raw_responses_are_stored_compressed(app, client, admin, tag):
    body = fixture_response("aachen_page1.json", tag)
    run_id = upload(client, admin, body, f"{tag}-z")
    with app.extensions["psymatch"].engine.connect() as conn:
        row = conn.execute(select(raw_responses).where(raw_responses.c.run_id == run_id)).one()
    assert len(row.payload_gzip) < row.size_bytes / 3
    assert json.loads(gzip.decompress(row.payload_gzip)) == body


def test_the_live_stop_switch_is_set_and_read_by_admins(client, admin, staff):
    assert client.get("/api/live", headers=staff).status_code == 403
    stopped = client.put("/api/live/stop", json={"stopped": True, "reason": "test"}, headers=admin)
    assert stopped.status_code == 200
    body = stopped.get_json()
    assert (body["stopped"], body["reason"], body["changed_by"]) == (True, "test", "admin-tests")
    resumed = client.put("/api/live/stop", json={"stopped": False}, headers=admin).get_json()
    assert resumed["stopped"] is False and resumed["enabled"] is False
    assert client.put("/api/live/stop", json={"stopped": "x"}, headers=admin).status_code == 400
    # text PostgreSQL cannot store is the caller's error, not a 500
    nul = client.put("/api/live/stop", json={"stopped": True, "reason": "a\x00b"}, headers=admin)
    assert nul.status_code == 400
    assert client.get("/api/live", headers=admin).get_json()["stopped"] is False
    assert client.post("/api/imports?area=a%00b", json={}, headers=admin).status_code == 400


def test_imports_take_larger_uploads_than_other_routes_with_a_clear_413(make_app, admin, tag):
    """The services' MAX_REQUEST_BYTES stays for every other route; an import is one upload
    up to IMPORT_MAX_UPLOAD_BYTES (a national answer is not 70 uploads)."""
    body = fixture_response("koeln.json", tag)
    size = len(json.dumps(body).encode())
    app = make_app(max_request_bytes=size // 4, import_max_upload_bytes=size * 2)
    client = app.test_client()
    run_id = upload(client, admin, body, f"{tag}-big")
    assert run_body(client, admin, run_id)["status"] == "queued"
    as_file = {"file": (io.BytesIO(json.dumps(body).encode()), "koeln.json")}
    accepted = client.post(
        f"/api/imports?area={tag}-file",
        data=as_file,
        headers=admin,
        content_type="multipart/form-data",
    )
    assert accepted.status_code == 202, accepted.get_json()
    elsewhere = client.put("/api/live/stop", json={"pad": "x" * size}, headers=admin)
    assert elsewhere.status_code == 413
    small = make_app(import_max_upload_bytes=size // 2).test_client()
    refused = small.post(f"/api/imports?area={tag}-x", json=body, headers=admin)
    assert refused.status_code == 413
    error = refused.get_json()["error"]
    assert "IMPORT_MAX_UPLOAD_BYTES" in error["message"]
    assert error["details"] == {"limit_bytes": size // 2}
