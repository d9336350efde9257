"""Consent: required at registration; a withdrawal stops matching and all outreach."""

from __future__ import annotations

import pytest
from integration.privacy.conftest import token
from integration.privacy.flow import add_therapist, call, patient_body, run_job

pytestmark = pytest.mark.integration


def test_registration_without_consent_is_refused_naming_the_consent(world, address):
    body = patient_body(address)
    del body["consent"]
    response = world.clients["patient_service"].post(
        "/api/patients", json=body, headers=token("staff")
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "validation_error"
    assert list(response.json["error"]["details"]) == ["consent"]


def test_registration_with_a_blank_consent_version_is_refused(world, address):
    body = {
        **patient_body(address),
        "consent": {"version": " ", "given_at": "2026-01-02T10:00:00Z"},
    }
    response = world.clients["patient_service"].post(
        "/api/patients", json=body, headers=token("staff")
    )
    assert response.status_code == 400
    assert "consent.version" in response.json["error"]["details"]


def statuses(world, patient_id: int) -> list[str]:
    page = call(
        world, "GET", "matching_service", f"/api/placement-requests?patient_id={patient_id}"
    )
    return [r["status"] for r in page["items"]]


def emails_to(world, therapist_id: int) -> list[dict]:
    page = call(world, "GET", "communication_service", f"/api/emails?therapist_id={therapist_id}")
    return page["items"]


def test_withdrawal_cancels_requests_and_stops_emails_and_calls(world, address):
    therapist_id = add_therapist(world)
    patient = call(world, "POST", "patient_service", "/api/patients", json=patient_body(address))
    pid = patient["id"]
    call(
        world, "PUT", "patient_service", f"/api/patients/{pid}/status", json={"status": "searching"}
    )
    world.bus.pump()
    assert statuses(world, pid) == ["proposed"]
    assert [e["state"] for e in emails_to(world, therapist_id)] == ["draft"]

    withdrawn = call(
        world, "POST", "patient_service", f"/api/patients/{pid}/consent/withdrawal", json={}
    )
    assert withdrawn["status"] == "paused"
    world.bus.pump()
    run_job(world, "communication_service", "send-emails")
    world.clock.advance(days=7, minutes=5)
    run_job(world, "communication_service", "follow-ups")
    world.bus.pump()

    assert statuses(world, pid) == ["cancelled"]
    assert [e["state"] for e in emails_to(world, therapist_id)] == ["cancelled"]
    calls = call(
        world, "GET", "communication_service", f"/api/phone-calls?therapist_id={therapist_id}"
    )
    assert calls["items"] == []


def test_withdrawal_after_the_email_went_out_schedules_no_follow_up_call(world, address):
    therapist_id = add_therapist(world)
    patient = call(world, "POST", "patient_service", "/api/patients", json=patient_body(address))
    pid = patient["id"]
    call(
        world, "PUT", "patient_service", f"/api/patients/{pid}/status", json={"status": "searching"}
    )
    world.bus.pump()
    run_job(world, "communication_service", "send-emails")
    world.bus.pump()
    assert statuses(world, pid) == ["contacted"]

    call(world, "POST", "patient_service", f"/api/patients/{pid}/consent/withdrawal", json={})
    world.bus.pump()
    world.clock.advance(days=7, minutes=5)
    run_job(world, "communication_service", "follow-ups")
    world.bus.pump()

    assert statuses(world, pid) == ["cancelled"]
    calls = call(
        world, "GET", "communication_service", f"/api/phone-calls?therapist_id={therapist_id}"
    )
    assert calls["items"] == []
    assert [e["state"] for e in emails_to(world, therapist_id)] == ["sent"]
