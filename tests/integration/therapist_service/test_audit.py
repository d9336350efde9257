"""Therapist audit trail: registering and changing a therapist are recorded; reads are not."""

import uuid

import pytest
from integration.therapist_service.helpers import new_therapist
from support.tokens import token_for

pytestmark = pytest.mark.integration


def caller(app, role="staff"):
    subject = f"{role}-{uuid.uuid4().hex[:8]}"
    secret = app.extensions["psymatch"].settings.jwt_secret.get_secret_value()
    return subject, {"Authorization": f"Bearer {token_for(secret, subject, role)}"}


def test_writes_are_recorded_with_the_therapist_and_reads_are_not(app, client):
    subject, headers = caller(app)
    tid = new_therapist(client, headers)["id"]
    assert client.get(f"/api/therapists/{tid}", headers=headers).status_code == 200
    capacity = {"accepting_new_patients": "no"}
    changed = client.put(f"/api/therapists/{tid}/capacity", json=capacity, headers=headers)
    assert changed.status_code == 200, changed.json
    _, admin = caller(app, "admin")
    items = client.get(f"/api/audit?subject={subject}", headers=admin).json["items"]
    assert [(i["action"], i["route"], i["record_id"]) for i in items] == [
        ("update", "/api/therapists/<int:therapist_id>/capacity", str(tid)),
        ("create", "/api/therapists", str(tid)),
    ]
    assert {i["record_type"] for i in items} == {"therapist"}
    assert "Testfeld" not in str(items)
