"""The patient service's attention list, the crisis acknowledgement and the `consistency-check`
job (issue 16 item 10: drift is found, not hidden). Each fails before: there was no such route
or job (the cross-service run is in tests/integration/privacy/test_consistency.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from integration.patient_service.conftest import settings

from patient_service.app import create_app

pytestmark = pytest.mark.integration


class FakeCases:
    """What matching and communication say they hold open, per patient id."""

    def __init__(self) -> None:
        self.requests: dict[int, dict[str, Any]] = {}
        self.contacts: dict[int, dict[str, Any]] = {}
        self.asked: list[list[int]] = []

    def open_requests(self, patient_ids):
        self.asked.append(list(patient_ids))
        return {pid: self.requests[pid] for pid in patient_ids if pid in self.requests}

    def open_contacts(self, patient_ids):
        return {pid: self.contacts[pid] for pid in patient_ids if pid in self.contacts}


@pytest.fixture
def cases() -> FakeCases:
    return FakeCases()


@pytest.fixture
def checked_app(clock, geocoder, cases):
    app = create_app(settings(), clock=clock, geocoder=geocoder, cases=cases)
    yield app
    app.extensions["psymatch"].engine.dispose()


def items_of(client, headers, patient_id, reason=None):
    url = "/api/attention?per_page=100" + (f"&reason={reason}" if reason else "")
    found, page = [], 1
    while True:
        body = client.get(f"{url}&page={page}", headers=headers).json
        found += [item for item in body["items"] if item["patient_id"] == patient_id]
        if page * 100 >= body["total"]:
            return found
        page += 1


def status(client, auth, patient_id, target):
    response = client.put(
        f"/api/patients/{patient_id}/status", json={"status": target}, headers=auth
    )
    assert response.status_code == 200, response.json


def run_check(client, admin):
    response = client.post("/api/jobs/consistency-check/run", json={}, headers=admin)
    assert response.status_code == 200, response.json
    return response.json["result"]


def test_an_unacknowledged_crisis_is_listed_until_staff_acknowledge_it(
    client, auth, admin, create, clock
):
    patient = create(symptoms=["suicidal_thoughts"])
    [item] = items_of(client, auth, patient["id"])
    assert item["reason"] == "crisis_unacknowledged" and "Krisenhinweis" in item["message"]
    assert item["since"] == clock.now().isoformat()
    assert items_of(client, admin, patient["id"], "crisis_unacknowledged") == [item]
    done = client.post(f"/api/patients/{patient['id']}/crisis/acknowledge", headers=auth)
    assert done.status_code == 200 and done.json["crisis_acknowledged_at"]
    assert items_of(client, auth, patient["id"]) == []
    timeline = client.get(f"/api/patients/{patient['id']}/timeline", headers=auth).json
    assert "crisis_acknowledged" in [entry.get("action") for entry in timeline["items"]]
    calm = create()
    refused = client.post(f"/api/patients/{calm['id']}/crisis/acknowledge", headers=auth)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "no_crisis"
    assert (
        client.post("/api/patients/999999999/crisis/acknowledge", headers=auth).status_code == 404
    )


def test_a_crisis_raised_anew_must_be_acknowledged_again(client, auth, create, clock):
    patient = create()
    assert items_of(client, auth, patient["id"]) == []
    clock.advance(hours=1)
    changed = client.patch(
        f"/api/patients/{patient['id']}", json={"symptoms": ["self_harm"]}, headers=auth
    )
    assert changed.status_code == 200, changed.json
    [item] = items_of(client, auth, patient["id"])
    assert item["since"] == clock.now().isoformat()


def test_the_consistency_check_repairs_an_open_request_of_a_paused_patient_by_republishing(
    checked_app, cases, auth, admin, create, outbox, clock
):
    client = checked_app.test_client()
    patient = create()
    pid = patient["id"]
    status(client, auth, pid, "searching")
    status(client, auth, pid, "paused")
    # the drift: matching missed the pause and still holds an open request
    cases.requests[pid] = {
        "patient_id": pid,
        "status": "searching",
        "open_requests": [{"id": 5, "therapist_id": 7, "status": "contacted"}],
    }
    cases.contacts[pid] = {"patient_id": pid, "status": "paused", "open_requests": [5]}
    before = len(outbox(checked_app, pid))
    clock.advance(days=1)
    result = run_check(client, admin)
    assert result["repaired"] >= 1 and result["checked"] >= 1
    assert any(pid in batch for batch in cases.asked)
    [event] = outbox(checked_app, pid)[before:]
    assert event["event_type"] == "patient.updated"
    assert event["payload"]["status"] == "paused"
    assert event["payload"]["changed_fields"] == ["status"]
    assert datetime.fromisoformat(event["occurred_at"]) == clock.now()  # the fake clock
    # matching applied it: nothing open any more, so the next run finds nothing
    cases.requests[pid] = {"patient_id": pid, "status": "paused", "open_requests": []}
    cases.contacts[pid] = {"patient_id": pid, "status": "paused", "open_requests": []}
    run_check(client, admin)
    assert outbox(checked_app, pid)[before + 1 :] == []
    assert items_of(client, auth, pid) == []


def test_drift_republishing_cannot_fix_is_listed_as_status_mismatch_and_resolved_when_gone(
    checked_app, cases, auth, admin, create, outbox
):
    client = checked_app.test_client()
    patient = create()
    pid = patient["id"]
    status(client, auth, pid, "searching")
    status(client, auth, pid, "paused")
    # communication still has an unsent e-mail, matching holds nothing open to cancel
    cases.requests[pid] = {"patient_id": pid, "status": "paused", "open_requests": []}
    cases.contacts[pid] = {
        "patient_id": pid,
        "status": "paused",
        "open_requests": [5],
        "open_emails": [11],
        "open_calls": [],
    }
    before = len(outbox(checked_app, pid))
    result = run_check(client, admin)
    assert result["listed"] >= 1
    assert outbox(checked_app, pid)[before:] == []  # nothing re-published
    [item] = items_of(client, auth, pid)
    assert item["reason"] == "status_mismatch"
    assert "communication_open_contacts" in item["details"]["problems"]
    run_check(client, admin)  # still there: still one item
    assert len(items_of(client, auth, pid)) == 1
    cases.contacts[pid]["open_emails"] = []
    run_check(client, admin)
    assert items_of(client, auth, pid) == []


def test_a_placement_the_peers_recorded_is_never_undone_by_republishing(
    checked_app, cases, auth, admin, create, outbox
):
    client = checked_app.test_client()
    pid = create()["id"]
    status(client, auth, pid, "searching")
    cases.requests[pid] = {"patient_id": pid, "status": "placed", "open_requests": []}
    before = len(outbox(checked_app, pid))
    run_check(client, admin)
    assert outbox(checked_app, pid)[before:] == []
    assert [i["reason"] for i in items_of(client, auth, pid)] == ["status_mismatch"]


def test_the_check_is_scheduled_daily_by_default(checked_app):
    job = checked_app.extensions["psymatch"].jobs.get("consistency-check")
    assert job is not None and job.interval_s == timedelta(days=1).total_seconds()
