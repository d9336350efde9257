"""Geocoding audit trail: a resolution is recorded with its subject (type and id from answer)."""

import random
import uuid

import pytest
from support.tokens import token_for

pytestmark = pytest.mark.integration


def caller(app, role="service"):
    subject = f"{role}-{uuid.uuid4().hex[:8]}"
    secret = app.extensions["psymatch"].settings.jwt_secret.get_secret_value()
    return subject, {"Authorization": f"Bearer {token_for(secret, subject, role)}"}


def test_a_patient_resolution_is_found_by_the_patient(make_app):
    app = make_app()
    client = app.test_client()
    subject, headers = caller(app)
    patient_id = random.randint(10**9, 2 * 10**9)
    body = {"subject_type": "patient", "subject_id": patient_id, "postal_code": "10115"}
    assert client.post("/api/resolutions", json=body, headers=headers).status_code == 200
    distance = {"from_lat": 52.5, "from_lon": 13.4, "to_lat": 52.6, "to_lon": 13.5}
    assert client.get("/api/distance", query_string=distance, headers=headers).status_code == 200
    _, admin = caller(app, "admin")
    found = client.get(f"/api/audit?record=patient:{patient_id}", headers=admin).json["items"]
    assert [(i["subject"], i["action"], i["route"]) for i in found] == [
        (subject, "create", "/api/resolutions")
    ]
    mine = client.get(f"/api/audit?subject={subject}", headers=admin).json
    assert mine["total"] == 1
