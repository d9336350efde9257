"""Art. 17: after DELETE and patient.erased, no table of any schema holds the patient's data."""

from __future__ import annotations

from datetime import date

import pytest
from integration.privacy.conftest import token
from integration.privacy.flow import drive, german
from integration.privacy.world import outbox_profiles_of, tables_holding
from support.testdb import TEST_DB

pytestmark = pytest.mark.integration
ADMIN_URL = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{TEST_DB}"


def personal_values(patient: dict) -> list[str]:
    phone = patient["phone"]
    return [
        patient["first_name"],
        patient["last_name"],
        patient["email"],
        phone,
        phone.replace("+49", "0"),
        patient["birth_date"],
        german(date.fromisoformat(patient["birth_date"])),
        patient["address"]["street"],
    ]


def test_no_table_in_any_schema_keeps_the_patient_after_erasure(world, address):
    case = drive(world, address)
    needles = personal_values(case.patient)
    before = tables_holding(ADMIN_URL, needles)
    assert {
        "patient_service.patients",
        "patient_service.audit_log",
        "patient_service.idempotency_keys",
        "communication_service.emails",
        "communication_service.calls",
    } <= set(before), before
    assert "geocoding_service.geocode_cache" in before, before  # the street was looked up
    patients = world.clients["patient_service"]

    started = patients.delete(f"/api/patients/{case.id}", headers=token("admin"))
    assert started.status_code == 202 and started.json["status"] == "in_progress"
    world.bus.pump()

    assert tables_holding(ADMIN_URL, needles) == {}
    status = patients.get(f"/api/patients/{case.id}/erasure", headers=token("admin")).json
    assert status["status"] == "completed"
    assert {s["service"]: bool(s["completed_at"]) for s in status["services"]} == {
        "patient_service": True,
        "matching_service": True,
        "communication_service": True,
        "geocoding_service": True,
    }
    counts = {s["service"]: s["counts"] for s in status["services"]}
    assert counts["geocoding_service"]["cache_entries_deleted"] >= 1
    assert counts["communication_service"]["patient_emails_scrubbed"] >= 1


def test_no_outbox_row_keeps_the_profile_after_erasure(world, address):
    """Failed before this change: matching's placement_requests_created rows kept the
    patient's age, gender, complaint groups and availability after patient.erased."""
    case = drive(world, address)
    assert "matching_service.outbox" in outbox_profiles_of(ADMIN_URL, case.id)
    patients = world.clients["patient_service"]

    patients.delete(f"/api/patients/{case.id}", headers=token("admin"))
    world.bus.pump()

    assert outbox_profiles_of(ADMIN_URL, case.id) == {}
    status = patients.get(f"/api/patients/{case.id}/erasure", headers=token("admin")).json
    counts = {s["service"]: s["counts"] for s in status["services"]}
    assert counts["matching_service"]["outbox_rows_scrubbed"] >= 1


def test_erased_patient_keeps_id_status_and_the_pseudonymous_reference(world, address):
    case = drive(world, address)
    patients = world.clients["patient_service"]
    patients.delete(f"/api/patients/{case.id}", headers=token("admin"))
    world.bus.pump()

    tombstone = patients.get(f"/api/patients/{case.id}", headers=token("staff")).json
    assert (tombstone["id"], tombstone["status"]) == (case.id, "placed")
    assert tombstone["erased_at"] and tombstone["first_name"] is None
    emails = (
        world.clients["communication_service"]
        .get(f"/api/patients/{case.id}/communications", headers=token("service"))
        .json["emails"]
    )
    to_therapist = [e for e in emails if e["recipient"] == "therapist" and e["body_text"]]
    assert to_therapist and all(f"PR-{case.request_id}" in e["body_text"] for e in to_therapist)
    requests = (
        world.clients["matching_service"]
        .get(f"/api/placement-requests?patient_id={case.id}", headers=token("staff"))
        .json
    )
    assert requests["total"] == 1  # statistics keep their counts
