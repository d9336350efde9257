"""Register, read, list and change patients over HTTP (PgBouncer, test database)."""

from __future__ import annotations

import uuid


def test_register_returns_the_patient_registered_and_located(create, outbox, app):
    patient = create()
    assert patient["status"] == "registered" and patient["version"] == 1
    assert patient["phone"] == "+492411234567"
    assert patient["location"]["status"] == "resolved"
    assert patient["location"]["precision"] == "street"
    assert patient["age"] == 35 and patient["crisis"] is False
    assert patient["consent"]["version"] == "2026-01"
    events = outbox(app, patient["id"])
    assert [e["event_type"] for e in events] == ["patient.registered"]


def test_get_returns_the_same_patient_with_its_version_as_etag(client, auth, create):
    patient = create()
    response = client.get(f"/api/patients/{patient['id']}", headers=auth)
    assert response.status_code == 200
    assert response.json == patient
    assert response.headers["ETag"] == '"1"'


def test_unknown_patient_is_404(client, auth):
    for pid in (999999999, 2**63, 2**70):
        response = client.get(f"/api/patients/{pid}", headers=auth)
        assert response.status_code == 404, response.json


def test_bad_input_gets_400_with_field_details(client, auth, body):
    bad = body(
        address={"postal_code": "1234", "city": "X"},
        email="nope",
        phone="12",
        birth_date="2999-01-01",
        availability={"mon": ["10:00-09:00"]},
    )
    response = client.post("/api/patients", json=bad, headers=auth)
    assert response.status_code == 400
    details = response.json["error"]["details"]
    assert {"address.postal_code", "email", "phone", "availability"} <= set(details)


def test_future_birth_date_is_400(client, auth, body):
    response = client.post("/api/patients", json=body(birth_date="2026-01-06"), headers=auth)
    assert response.status_code == 400
    assert response.json["error"]["details"] == {"birth_date": ["must not be in the future"]}


def test_crisis_symptoms_set_urgent_and_the_list_filter_finds_them(client, auth, create):
    name = f"Krise{uuid.uuid4().hex[:8]}"
    crisis = create(last_name=name, symptoms=["self_harm"])
    calm = create(last_name=name, symptoms=["anxiety"])
    assert crisis["urgent"] and crisis["crisis"] and crisis["crisis_symptoms"] == ["self_harm"]
    assert not calm["urgent"]
    response = client.get(f"/api/patients?q={name.lower()}&crisis=true", headers=auth)
    assert [p["id"] for p in response.json["items"]] == [crisis["id"]]
    everyone = client.get(f"/api/patients?q={name}", headers=auth).json
    assert everyone["total"] == 2 and everyone["items"][0]["id"] == crisis["id"]


def test_list_filters_by_status_and_postal_code_prefix(client, auth, create):
    name = f"Plz{uuid.uuid4().hex[:8]}"
    patient = create(last_name=name)
    found = client.get(
        f"/api/patients?q={name}&postal_code=520&status=registered", headers=auth
    ).json
    assert [p["id"] for p in found["items"]] == [patient["id"]]
    assert client.get(f"/api/patients?q={name}&postal_code=10", headers=auth).json["total"] == 0


def test_patch_changes_audits_and_emits_updated_with_field_names(client, auth, create, outbox, app):
    patient = create()
    response = client.patch(
        f"/api/patients/{patient['id']}",
        headers={**auth, "If-Match": '"1"'},
        json={"preferences": {"group_ok": True}, "phone": "+49 30 1234567"},
    )
    assert response.status_code == 200, response.json
    changed = response.json
    assert changed["version"] == 2 and changed["preferences"]["group_ok"] is True
    assert changed["preferences"]["procedures"] == ["VT", "TP"]  # merged, not replaced
    updated = outbox(app, patient["id"])[-1]
    assert updated["event_type"] == "patient.updated"
    assert updated["payload"]["changed_fields"] == ["preferences"]
    timeline = client.get(f"/api/patients/{patient['id']}/timeline", headers=auth).json
    change = timeline["items"][-1]
    assert change["actor"] == "staff-anna" and change["action"] == "updated"
    assert change["details"]["phone"] == ["+492411234567", "+49301234567"]


def test_stale_version_is_409(client, auth, create):
    patient = create()
    url = f"/api/patients/{patient['id']}"
    first = client.patch(url, json={"version": 1, "salutation": "Frau Dr."}, headers=auth)
    assert first.status_code == 200
    stale = client.patch(url, json={"salutation": "Herr"}, headers={**auth, "If-Match": "1"})
    assert stale.status_code == 409
    assert stale.json["error"]["details"] == {"current_version": 2}


def test_contact_only_change_emits_no_event(client, auth, create, outbox, app):
    patient = create()
    client.patch(f"/api/patients/{patient['id']}", json={"email": "neu@example.org"}, headers=auth)
    assert [e["event_type"] for e in outbox(app, patient["id"])] == ["patient.registered"]


def test_symptom_catalogue(client, auth):
    items = client.get("/api/symptoms", headers=auth).json["items"]
    assert {i["code"] for i in items if i["crisis"]} == {"suicidal_thoughts", "self_harm"}


def test_idempotent_registration_creates_one_patient(client, auth, body):
    headers = {**auth, "Idempotency-Key": f"reg-{uuid.uuid4()}"}
    first = client.post("/api/patients", json=body(), headers=headers)
    again = client.post("/api/patients", json=body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"]
    assert again.headers.get("Idempotent-Replayed") == "true"


def test_repeated_or_unknown_list_parameters_are_400(client, auth):
    repeated = client.get("/api/patients?q=a&q=b", headers=auth)
    assert repeated.status_code == 400 and "q" in repeated.json["error"]["details"]
    assert client.get("/api/patients?colour=red", headers=auth).status_code == 400


def test_text_postgresql_cannot_store_is_400_not_500(client, auth, body):
    response = client.post("/api/patients", json=body(first_name="An\x00na"), headers=auth)
    assert response.status_code == 400 and "first_name" in response.json["error"]["details"]
