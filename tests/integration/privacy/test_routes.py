"""The GDPR routes: admin only, 404 for unknown patients, erasure idempotent and final."""

from __future__ import annotations

import pytest
from integration.privacy.conftest import token
from integration.privacy.flow import call, patient_body

pytestmark = pytest.mark.integration
UNKNOWN = 9_000_000_000_000


def routes(patient_id: int) -> list[tuple[str, str]]:
    base = f"/api/patients/{patient_id}"
    return [("DELETE", base), ("GET", f"{base}/erasure"), ("GET", f"{base}/export")]


@pytest.fixture
def patient(world, address) -> dict:
    return call(world, "POST", "patient_service", "/api/patients", json=patient_body(address))


def test_gdpr_routes_need_a_token_and_the_admin_role(world, patient):
    client = world.clients["patient_service"]
    for method, path in routes(patient["id"]):
        assert client.open(path, method=method).status_code == 401, path
        for role in ("staff", "service"):
            response = client.open(path, method=method, headers=token(role))
            assert response.status_code == 403, (method, path, role)
    still_there = call(world, "GET", "patient_service", f"/api/patients/{patient['id']}")
    assert still_there["first_name"] == patient["first_name"]


def test_unknown_patient_is_404_on_every_gdpr_route(world):
    client = world.clients["patient_service"]
    for method, path in routes(UNKNOWN):
        response = client.open(path, method=method, headers=token("admin"))
        assert response.status_code == 404, (method, path, response.json)
        assert response.json["error"]["code"] == "not_found"


def test_erasure_status_before_any_request_is_not_requested(world, patient):
    status = call(
        world, "GET", "patient_service", f"/api/patients/{patient['id']}/erasure", role="admin"
    )
    assert status == {
        "patient_id": patient["id"],
        "status": "not_requested",
        "requested_at": None,
        "requested_by": None,
        "services": [],
    }


def test_repeated_delete_answers_200_with_the_status_and_emits_once(world, patient):
    client, path = world.clients["patient_service"], f"/api/patients/{patient['id']}"
    first = client.delete(path, headers=token("admin", "admin-eva"))
    again = client.delete(path, headers=token("admin", "admin-eva"))
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json == first.json and again.json["requested_by"] == "admin-eva"
    ctx = world.apps["patient_service"].extensions["psymatch"]
    with ctx.engine.connect() as conn:
        erased = conn.exec_driver_sql(
            "SELECT count(*) FROM patient_service.outbox WHERE key = %s "
            "AND event_type = 'patient.erased'",
            (f"patient:{patient['id']}",),
        ).scalar()
    assert erased == 1


def test_an_erased_patient_can_no_longer_be_changed(world, patient):
    patients, pid = world.clients["patient_service"], patient["id"]
    patients.delete(f"/api/patients/{pid}", headers=token("admin"))
    changes = [
        ("PATCH", f"/api/patients/{pid}", {"first_name": "Neu"}),
        ("PUT", f"/api/patients/{pid}/status", {"status": "searching"}),
        ("POST", f"/api/patients/{pid}/consent/withdrawal", {}),
    ]
    for method, path, body in changes:
        response = patients.open(path, method=method, json=body, headers=token("staff"))
        assert response.status_code == 409, (path, response.json)
        assert response.json["error"]["code"] == "patient_erased"
