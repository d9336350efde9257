"""Status changes over HTTP: allowed moves, 409 for forbidden ones, 422 for incomplete cases."""

from __future__ import annotations

import json

PII = [
    "Anna",
    "Muster",
    "anna.muster@example.org",
    "+492411234567",
    "Lindenallee",
    "A123456789",
    "AOK",
    "F32.1",
    "1990-05-01",
    "depressed_mood",
    "Frau",
]


def put_status(client, auth, patient, status, **extra):
    return client.put(
        f"/api/patients/{patient['id']}/status", json={"status": status, **extra}, headers=auth
    )


def test_search_start_emits_search_started_with_the_profile_and_no_pii(
    client, auth, create, outbox, app, clock
):
    patient = create()
    clock.advance(hours=1)
    response = put_status(client, auth, patient, "searching")
    assert response.status_code == 200, response.json
    assert response.json["search_started_at"].startswith("2026-01-05T10:00:00")
    started = outbox(app, patient["id"])[-1]
    assert started["event_type"] == "patient.search_started"
    payload = started["payload"]
    assert [p for p in PII if p in json.dumps(started)] == []
    assert payload["patient_id"] == patient["id"] and payload["age"] == 35
    assert (payload["latitude"], payload["longitude"]) == (50.777, 6.085)
    assert payload["complaint_groups"] == ["mood", "sleep"]
    assert payload["preferences"]["procedures"] == ["VT", "TP"]
    assert payload["insurance_type"] == "statutory" and payload["status"] == "searching"


def test_pause_and_resume_keep_the_first_search_start(client, auth, create, outbox, app, clock):
    patient = create()
    first = put_status(client, auth, patient, "searching").json["search_started_at"]
    clock.advance(days=3)
    assert put_status(client, auth, patient, "paused").status_code == 200
    resumed = put_status(client, auth, patient, "searching").json
    assert resumed["search_started_at"] == first
    kinds = [e["event_type"] for e in outbox(app, patient["id"])]
    assert kinds == [
        "patient.registered",
        "patient.search_started",
        "patient.search_paused",
        "patient.search_resumed",
    ]


def test_forbidden_transitions_are_409(client, auth, create):
    patient = create()
    for target in ("paused", "placed", "in_therapy", "completed", "cancelled", "registered"):
        response = put_status(client, auth, patient, target)
        assert response.status_code == 409, (target, response.json)
        assert response.json["error"]["code"] == "invalid_transition"


def test_cancelled_is_final(client, auth, create):
    patient = create()
    put_status(client, auth, patient, "searching")
    assert put_status(client, auth, patient, "cancelled").status_code == 200
    assert put_status(client, auth, patient, "searching").status_code == 409


def test_incomplete_case_is_422_naming_each_missing_field(client, auth, create):
    patient = create(initial_consultation_date=None, email=None, phone=None)
    response = put_status(client, auth, patient, "searching")
    assert response.status_code == 422
    assert set(response.json["error"]["details"]) == {"initial_consultation_date", "contact"}


def test_staff_waiver_replaces_the_initial_consultation(client, auth, create):
    patient = create(initial_consultation_date=None, initial_consultation_waived=True)
    assert put_status(client, auth, patient, "searching").status_code == 200


def test_stale_version_on_status_change_is_409(client, auth, create):
    patient = create()
    response = put_status(client, auth, patient, "searching", version=7)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "version_conflict"


def test_staff_can_mark_placed_with_a_therapist_then_therapy_runs_to_completion(
    client, auth, create, outbox, app
):
    patient = create()
    put_status(client, auth, patient, "searching")
    assert put_status(client, auth, patient, "placed").status_code == 422
    placed = put_status(client, auth, patient, "placed", therapist_id=7).json
    assert placed["placed_therapist_id"] == 7 and placed["placed_at"]
    assert put_status(client, auth, patient, "in_therapy").status_code == 200
    assert put_status(client, auth, patient, "completed").json["status"] == "completed"
    last = outbox(app, patient["id"])[-1]
    assert last["event_type"] == "patient.updated"
    assert last["payload"]["changed_fields"] == ["status"]
    assert last["payload"]["status"] == "completed"


def test_withdrawn_consent_pauses_a_search_and_blocks_restarting(client, auth, create, outbox, app):
    patient = create()
    put_status(client, auth, patient, "searching")
    response = client.post(
        f"/api/patients/{patient['id']}/consent/withdrawal", json={}, headers=auth
    )
    assert response.status_code == 200 and response.json["status"] == "paused"
    assert outbox(app, patient["id"])[-1]["event_type"] == "patient.search_paused"
    refused = put_status(client, auth, patient, "searching")
    assert refused.json["error"]["details"] == {"consent": "consent was withdrawn"}
    again = client.post(
        f"/api/patients/{patient['id']}/consent",
        json={"version": "2026-02", "given_at": "2026-01-05T08:00:00Z"},
        headers=auth,
    )
    assert again.status_code == 200 and again.json["consent"]["withdrawn_at"] is None
    assert put_status(client, auth, patient, "searching").status_code == 200


def test_timeline_shows_status_changes_with_who_and_the_crisis_marker(client, auth, create):
    patient = create(symptoms=["suicidal_thoughts"])
    put_status(client, auth, patient, "searching")
    timeline = client.get(f"/api/patients/{patient['id']}/timeline", headers=auth).json
    assert timeline["crisis"] is True
    actions = [(i["action"], i["actor"]) for i in timeline["items"]]
    assert actions == [("created", "staff-anna"), ("status_changed", "staff-anna")]
    assert timeline["items"][1]["details"]["status"] == ["registered", "searching"]
