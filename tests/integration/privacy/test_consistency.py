"""The patient service's `consistency-check` across the real services (issue 16 item 10):
matching missed a pause and keeps an open request; the check reads matching and communication
over HTTP with a service token, re-publishes the patient's status, matching cancels and
communication withdraws, and a second run finds nothing. Fails before: there was no such job."""

from __future__ import annotations

import pytest
from integration.privacy.flow import add_therapist, call, patient_body, run_job

pytestmark = pytest.mark.integration


def open_requests(world, patient_id):
    items = call(
        world, "GET", "matching_service", f"/api/placement-requests?patient_id={patient_id}"
    )["items"]
    return [r for r in items if r["status"] in ("proposed", "queued", "contacted")]


def test_a_missed_pause_is_repaired_by_republishing_and_a_second_run_finds_nothing(world, address):
    add_therapist(world)
    patient = call(world, "POST", "patient_service", "/api/patients", json=patient_body(address))
    pid = patient["id"]
    path = f"/api/patients/{pid}/status"
    call(world, "PUT", "patient_service", path, json={"status": "searching"})
    world.bus.pump()
    assert len(open_requests(world, pid)) == 1
    call(world, "PUT", "patient_service", path, json={"status": "paused"})
    # the drift: the pause never reaches the other services (a lost event)
    world.bus.marks["patient_service"] = _max_outbox_id(world, "patient_service")
    world.bus.pump()
    assert len(open_requests(world, pid)) == 1

    first = run_job(world, "patient_service", "consistency-check")["result"]
    assert first["repaired"] == 1 and first["listed"] == 0 and first["checked"] >= 1
    world.bus.pump()
    assert open_requests(world, pid) == []
    second = run_job(world, "patient_service", "consistency-check")["result"]
    assert (second["repaired"], second["listed"]) == (0, 0)
    attention = call(world, "GET", "patient_service", "/api/attention?per_page=100")
    assert pid not in [item["patient_id"] for item in attention["items"]]


def _max_outbox_id(world, service):
    from sqlalchemy import func, select

    ctx = world.apps[service].extensions["psymatch"]
    table = ctx.tables["outbox"]
    with ctx.session_factory() as session:
        return int(session.execute(select(func.max(table.c.id))).scalar_one())
