"""Matching audit trail: reads about one patient and request changes are recorded by subject."""

import uuid

import pytest
from support.tokens import token_for

from matching_service.config import Settings

pytestmark = pytest.mark.integration


def caller(role="staff"):
    subject = f"{role}-{uuid.uuid4().hex[:8]}"
    secret = Settings(_env_file=None).jwt_secret.get_secret_value()
    return subject, {"Authorization": f"Bearer {token_for(secret, subject, role)}"}


def trail(client, subject):
    _, admin = caller("admin")
    response = client.get(f"/api/audit?subject={subject}&per_page=100", headers=admin)
    assert response.status_code == 200, response.json
    return [
        (i["method"], i["route"], i["action"], f"{i['record_type']}:{i['record_id']}")
        for i in reversed(response.json["items"])
    ]


def test_patient_reads_and_a_cancel_are_recorded(app, feed, builders):
    for tid in range(1, 4):
        feed.send(builders.therapist(tid, km_north=tid))
    feed.send(builders.patient(1))
    client = app.test_client()
    subject, headers = caller()
    listed = client.get("/api/placement-requests?patient_id=1", headers=headers).json["items"]
    request_id = listed[0]["id"]
    assert client.get(f"/api/placement-requests/{request_id}", headers=headers).status_code == 200
    assert client.get("/api/patients/1/candidates", headers=headers).status_code == 200
    assert client.get("/api/patients/1/candidates/2", headers=headers).status_code == 200
    cancel = client.post(f"/api/placement-requests/{request_id}/cancel", headers=headers)
    assert cancel.status_code == 200
    assert client.get("/api/statistics", headers=headers).status_code == 200
    one = "/api/placement-requests/<int:request_id>"
    assert trail(client, subject) == [
        ("GET", "/api/placement-requests", "read", "patient:1"),
        ("GET", one, "read", f"placement_request:{request_id}"),
        ("GET", one, "read", "patient:1"),
        ("GET", "/api/patients/<int:patient_id>/candidates", "read", "patient:1"),
        (
            "GET",
            "/api/patients/<int:patient_id>/candidates/<int:therapist_id>",
            "read",
            "patient:1",
        ),
        ("POST", f"{one}/cancel", "action", f"placement_request:{request_id}"),
    ]


def test_a_service_reading_requests_of_a_patient_is_found_by_the_patient(app):
    client = app.test_client()
    subject, headers = caller("service")
    patient_id = uuid.uuid4().int % 10**9 + 10**9
    empty = client.get(f"/api/placement-requests?patient_id={patient_id}", headers=headers)
    assert empty.json["items"] == []
    _, admin = caller("admin")
    found = client.get(f"/api/audit?record=patient:{patient_id}", headers=admin).json["items"]
    assert [(i["subject"], i["role"], i["status"]) for i in found] == [(subject, "service", 200)]
