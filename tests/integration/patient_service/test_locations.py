"""Geocoding outages: the patient is saved `pending`, the job resolves it later; 404 → failed."""

from __future__ import annotations


def run_job(client, admin):
    response = client.post("/api/jobs/resolve-locations/run", headers=admin)
    assert response.status_code == 200, response.json
    return response.json["result"]


def test_geocoding_down_saves_pending_and_the_job_resolves_later(
    client, auth, admin, create, geocoder, outbox, app
):
    geocoder.mode = "down"
    patient = create()
    assert patient["location"]["status"] == "pending"
    refused = client.put(
        f"/api/patients/{patient['id']}/status", json={"status": "searching"}, headers=auth
    )
    assert refused.status_code == 422 and "location" in refused.json["error"]["details"]
    run_job(client, admin)
    still = client.get(f"/api/patients/{patient['id']}", headers=auth).json
    assert still["location"]["status"] == "pending" and still["version"] == 1
    geocoder.mode = "ok"
    result = run_job(client, admin)
    assert result["resolved"] >= 1
    located = client.get(f"/api/patients/{patient['id']}", headers=auth).json
    assert located["location"]["status"] == "resolved"
    assert located["location"]["latitude"] == 50.776649
    updated = outbox(app, patient["id"])[-1]
    assert updated["event_type"] == "patient.updated"
    assert updated["payload"]["changed_fields"] == ["location"]
    assert (
        client.put(
            f"/api/patients/{patient['id']}/status", json={"status": "searching"}, headers=auth
        ).status_code
        == 200
    )


def test_unknown_address_is_failed_and_never_searched(client, auth, create, geocoder):
    geocoder.mode = "not_found"
    patient = create()
    assert patient["location"]["status"] == "failed"
    response = client.put(
        f"/api/patients/{patient['id']}/status", json={"status": "searching"}, headers=auth
    )
    assert response.status_code == 422
    assert "could not be located" in response.json["error"]["details"]["location"]
    listed = client.get("/api/patients?location_status=failed&per_page=100", headers=auth).json
    assert listed["total"] >= 1


def test_address_change_relocates_and_other_changes_do_not(client, auth, create, geocoder):
    patient = create()
    calls = len(geocoder.calls)
    url = f"/api/patients/{patient['id']}"
    client.patch(url, json={"symptoms": ["anxiety"]}, headers=auth)
    assert len(geocoder.calls) == calls
    geocoder.mode = "down"
    moved = client.patch(
        url, json={"address": {"postal_code": "10115", "city": "Berlin"}}, headers=auth
    ).json
    assert len(geocoder.calls) == calls + 1
    assert moved["address"]["postal_code"] == "10115"
    assert moved["location"]["status"] == "pending" and moved["location"]["latitude"] is None
