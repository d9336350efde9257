"""Patient service audit trail: registering, changing and reading a patient leave id-only rows."""

import uuid

import pytest

from shared.http.auth import issue_token

pytestmark = pytest.mark.integration


def trail(client, admin, patient_id):
    response = client.get(f"/api/audit?record=patient:{patient_id}", headers=admin)
    assert response.status_code == 200, response.json
    return response.json["items"]


def test_register_change_and_read_are_recorded_newest_first(client, auth, admin, create, clock):
    patient = create()
    pid = patient["id"]
    assert client.get(f"/api/patients/{pid}", headers=auth).status_code == 200
    changed = client.patch(
        f"/api/patients/{pid}",
        json={"salutation": "Frau Dr.", "version": patient["version"]},
        headers=auth,
    )
    assert changed.status_code == 200, changed.json
    items = trail(client, admin, pid)
    assert [(i["action"], i["method"], i["status"]) for i in items] == [
        ("update", "PATCH", 200),
        ("read", "GET", 200),
        ("create", "POST", 201),
    ]
    assert {i["subject"] for i in items} == {"staff-anna"}
    assert {i["role"] for i in items} == {"staff"}
    assert [i["route"] for i in items] == [
        "/api/patients/<int:patient_id>",
        "/api/patients/<int:patient_id>",
        "/api/patients",
    ]
    assert items[0]["at"] == clock.now().isoformat()


def test_rows_hold_ids_only_never_personal_data(client, auth, admin, create):
    patient = create()
    client.get(f"/api/patients/{patient['id']}/timeline", headers=auth)
    stored = str(trail(client, admin, patient["id"]))
    for personal in ("Anna", "Muster", "anna.muster@example.org", "Lindenallee", "A123456789"):
        assert personal not in stored


def test_a_patient_list_records_every_listed_patient(client, auth, admin, create):
    name = f"Audit{uuid.uuid4().hex[:10]}"
    first, second = create(last_name=name), create(last_name=name)
    listed = client.get(f"/api/patients?q={name}", headers=auth)
    assert {p["id"] for p in listed.json["items"]} == {first["id"], second["id"]}
    for pid in (first["id"], second["id"]):
        [latest, *_] = trail(client, admin, pid)
        assert (latest["route"], latest["action"]) == ("/api/patients", "read")


def test_reading_a_missing_patient_is_recorded_with_its_status(client, auth, admin):
    assert client.get("/api/patients/987654321", headers=auth).status_code == 404
    [item] = trail(client, admin, 987654321)[:1]
    assert (item["action"], item["status"], item["subject"]) == ("read", 404, "staff-anna")


def test_symptom_catalogue_reads_are_not_recorded(app, client, admin):
    secret = app.extensions["psymatch"].settings.jwt_secret.get_secret_value()
    subject = f"reader-{uuid.uuid4().hex[:8]}"
    reader = {"Authorization": f"Bearer {issue_token(secret, subject, 'staff')}"}
    assert client.get("/api/symptoms", headers=reader).status_code == 200
    assert client.post("/api/patients", json={}, headers=reader).status_code == 400
    items = client.get(f"/api/audit?subject={subject}", headers=admin).json["items"]
    assert [(i["method"], i["route"], i["status"]) for i in items] == [
        ("POST", "/api/patients", 400)
    ]
