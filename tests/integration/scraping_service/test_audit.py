"""Scraping audit trail: an upload is recorded with its import run; a refused one without."""

import uuid

import pytest
from integration.scraping_service.helpers import fixture_response, upload
from support.tokens import token_for

pytestmark = pytest.mark.integration


def caller(app, role="admin"):
    subject = f"{role}-{uuid.uuid4().hex[:8]}"
    secret = app.extensions["psymatch"].settings.jwt_secret.get_secret_value()
    return subject, {"Authorization": f"Bearer {token_for(secret, subject, role)}"}


def test_an_upload_is_recorded_with_the_new_import_run(app, client, tag):
    subject, headers = caller(app)
    run_id = upload(client, headers, fixture_response("data_quality.json", tag), f"{tag}-a")
    refused = client.post("/api/imports", json={"responses": []}, headers=headers)
    assert refused.status_code == 400
    _, auditor = caller(app, "service")
    items = client.get(f"/api/audit?subject={subject}", headers=auditor).json["items"]
    assert [(i["action"], i["status"], i["record_type"], i["record_id"]) for i in items] == [
        ("create", 400, None, None),
        ("create", 202, "import_run", str(run_id)),
    ]
    assert {i["route"] for i in items} == {"/api/imports"}
