"""The folder source: each recorded file once, areas from sub-directories, bad files recorded."""

from __future__ import annotations

import gzip
import json

import pytest
from integration.scraping_service.helpers import expected_counts, fixture_response, run_body
from sqlalchemy import select

from scraping_service.models import folder_files

pytestmark = pytest.mark.integration


def _run_folder_job(client, admin) -> dict:
    response = client.post("/api/jobs/import-folder/run", headers=admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["result"]


def test_each_file_is_imported_once_into_its_area(make_app, admin, tag, tmp_path):
    area_dir = tmp_path / f"{tag}-aachen"
    area_dir.mkdir()
    (area_dir / "page1.json").write_text(json.dumps(fixture_response("aachen_page1.json", tag)))
    (area_dir / "page2.json.gz").write_bytes(
        gzip.compress(json.dumps(fixture_response("aachen_page2_new_tsz.json", tag)).encode())
    )
    (tmp_path / ".hidden.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("not a response")
    client = make_app(folder_path=str(tmp_path), folder_full_run=True).test_client()
    first = _run_folder_job(client, admin)
    assert first["files"] == 2 and len(first["queued_runs"]) == 2
    runs = [run_body(client, admin, run_id) for run_id in first["queued_runs"]]
    assert {r["area"] for r in runs} == {f"{tag}-aachen"}
    assert all(
        r["source"] == "folder" and r["full_run"] and r["status"] == "succeeded" for r in runs
    )
    assert [r["file_name"] for r in runs] == [
        f"{tag}-aachen/page1.json",
        f"{tag}-aachen/page2.json.gz",
    ]
    total_new = sum(r["counts"]["new"] for r in runs)
    assert total_new == expected_counts(("aachen_page1.json", "aachen_page2_new_tsz.json"))[0]
    again = _run_folder_job(client, admin)
    assert again["files"] == 0 and again["queued_runs"] == []


def test_a_rewritten_file_is_imported_again_and_a_broken_one_is_recorded(
    make_app, admin, tag, tmp_path
):
    path = tmp_path / f"{tag}.json"
    body = fixture_response("koeln.json", tag)
    path.write_text(json.dumps(body))
    broken = tmp_path / f"{tag}-broken.json"
    broken.write_text("{not json")
    app = make_app(folder_path=str(tmp_path), folder_area=f"{tag}-k")
    client = app.test_client()
    first = _run_folder_job(client, admin)
    assert len(first["queued_runs"]) == 1
    assert run_body(client, admin, first["queued_runs"][0])["area"] == f"{tag}-k"
    body["arztPraxisDatas"][0]["tel"] = "0221 5550100"
    path.write_text(json.dumps(body))
    second = _run_folder_job(client, admin)
    run = run_body(client, admin, second["queued_runs"][0])
    assert run["counts"]["changed"] == 1 and run["full_run"] is False
    with app.extensions["psymatch"].engine.connect() as conn:
        error = conn.execute(
            select(folder_files.c.error).where(folder_files.c.path == broken.name)
        ).scalar_one()
    assert error and "not JSON" in error


def test_without_a_folder_the_job_does_nothing(client, admin):
    assert "skipped" in _run_folder_job(client, admin)
