"""Art. 15/20: one document with everything every service holds, read over their HTTP APIs."""

from __future__ import annotations

import pytest
from integration.privacy.conftest import HOSTS, token
from integration.privacy.flow import drive

from shared.config import SERVICE_NAMES

pytestmark = pytest.mark.integration


def export(world, patient_id: int):
    return world.clients["patient_service"].get(
        f"/api/patients/{patient_id}/export", headers=token("admin")
    )


def test_export_holds_patient_consents_requests_emails_calls_answers_and_audit(world, address):
    case = drive(world, address)
    response = export(world, case.id)
    assert response.status_code == 200, response.json
    doc = response.json
    own = doc["patient_service"]
    assert own["patient"]["last_name"] == case.patient["last_name"]
    assert own["patient"]["address"]["street"] == address["street"]
    assert [c["version"] for c in own["consents"]] == ["2026-01"]
    assert {"created", "status_changed"} <= {e["action"] for e in own["timeline"]}
    requests = doc["matching_service"]["placement_requests"]
    assert [r["id"] for r in requests] == [case.request_id]
    talk = doc["communication_service"]
    assert {e["recipient"] for e in talk["emails"]} == {"therapist", "patient"}
    assert any(case.request_id in e["placement_request_ids"] for e in talk["emails"])
    assert [c["id"] for c in talk["calls"]] == [case.call_id]
    assert case.patient["last_name"] in talk["calls"][0]["note"]
    assert [(a["placement_request_id"], a["outcome"]) for a in talk["answers"]] == [
        (case.request_id, "accepted")
    ]
    audit = doc["audit_entries"]
    assert set(audit) == set(SERVICE_NAMES)
    assert all(isinstance(entries, list) for entries in audit.values()), audit
    assert {e["record_id"] for e in audit["patient_service"]} == {str(case.id)}
    assert {e["method"] for e in audit["patient_service"]} >= {"PUT"}
    assert audit["communication_service"], "communication audits reads about the patient"


def test_export_is_refused_with_503_naming_the_service_that_is_down(world, address):
    case = drive(world, address)
    world.transport.down.add(HOSTS["matching_service"])
    response = export(world, case.id)
    assert response.status_code == 503
    assert response.json["error"]["details"] == {"service": "matching_service"}
    assert "matching_service" in response.json["error"]["message"]
