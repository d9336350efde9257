"""Communication audit trail: reads about one patient, e-mail and call routes, by subject."""

import uuid

import pytest
from support.tokens import token_for

pytestmark = pytest.mark.integration


def caller(app, role="staff"):
    subject = f"{role}-{uuid.uuid4().hex[:8]}"
    secret = app.extensions["psymatch"].settings.jwt_secret.get_secret_value()
    return subject, {"Authorization": f"Bearer {token_for(secret, subject, role)}"}


def trail(app, client, **params):
    _, admin = caller(app, "admin")
    response = client.get("/api/audit", query_string={**params, "per_page": 100}, headers=admin)
    assert response.status_code == 200, response.json
    return [
        (i["method"], i["route"], i["status"], f"{i['record_type']}:{i['record_id']}")
        for i in reversed(response.json["items"])
    ]


def test_emails_of_a_patient_and_missing_records_are_recorded(app, client):
    subject, headers = caller(app)
    patient_id = uuid.uuid4().int % 10**9 + 10**9
    assert client.get(f"/api/emails?patient_id={patient_id}", headers=headers).status_code == 200
    assert client.get("/api/emails/987654321", headers=headers).status_code == 404
    assert client.post("/api/emails/987654321/retry", headers=headers).status_code == 404
    assert client.get("/api/phone-calls/987654321", headers=headers).status_code == 404
    assert client.get("/api/templates", headers=headers).status_code == 200
    assert trail(app, client, subject=subject) == [
        ("GET", "/api/emails", 200, f"patient:{patient_id}"),
        ("GET", "/api/emails/<int:email_id>", 404, "email:987654321"),
        ("POST", "/api/emails/<int:email_id>/retry", 404, "email:987654321"),
        ("GET", "/api/phone-calls/<int:call_id>", 404, "phone_call:987654321"),
    ]
    found = trail(app, client, record=f"patient:{patient_id}")
    assert found == [("GET", "/api/emails", 200, f"patient:{patient_id}")]
