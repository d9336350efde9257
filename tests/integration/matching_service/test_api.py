"""REST: requests, cancel, candidates, explanations, statistics and the two jobs."""

from __future__ import annotations

from datetime import timedelta

from shared.events.communication import EmailSent


def seeded(feed, builders, count=12):
    for tid in range(1, count + 1):
        feed.send(builders.therapist(tid, km_north=tid))
    feed.send(builders.therapist(40, km_north=2, statutory_licence=False))
    feed.send(builders.patient(1))


def test_list_filter_and_get_requests(app, feed, builders, auth):
    seeded(feed, builders)
    client = app.test_client()
    page = client.get(
        "/api/placement-requests?patient_id=1&status=proposed&per_page=3", headers=auth()
    ).json
    assert page["total"] == 10 and len(page["items"]) == 3
    one = client.get(f"/api/placement-requests/{page['items'][0]['id']}", headers=auth("service"))
    assert one.status_code == 200 and one.json["patient_id"] == 1
    assert client.get("/api/placement-requests/999999", headers=auth()).status_code == 404
    bad = client.get("/api/placement-requests?status=nope", headers=auth())
    assert bad.status_code == 400


def test_staff_cancel_proposes_a_replacement_and_a_closed_request_is_a_conflict(
    app, feed, builders, auth
):
    seeded(feed, builders)
    client = app.test_client()
    first = client.get("/api/placement-requests?therapist_id=1", headers=auth()).json["items"][0]
    response = client.post(f"/api/placement-requests/{first['id']}/cancel", headers=auth())
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    again = client.post(f"/api/placement-requests/{first['id']}/cancel", headers=auth())
    assert again.status_code == 409
    open_ids = client.get(
        "/api/placement-requests?patient_id=1&status=proposed", headers=auth()
    ).json["items"]
    assert 11 in {r["therapist_id"] for r in open_ids}


def test_candidates_and_why_a_practice_was_not_asked(app, feed, builders, auth):
    seeded(feed, builders, count=14)
    client = app.test_client()
    ranked = client.get("/api/patients/1/candidates?limit=3", headers=auth()).json["items"]
    assert [c["therapist_id"] for c in ranked] == [11, 12, 13]
    assert ranked[0]["score"] >= ranked[1]["score"] >= ranked[2]["score"]
    why = client.get("/api/patients/1/candidates/40", headers=auth()).json
    checks = {c["name"]: c for c in why["criteria"]}
    assert not why["matches"] and checks["insurance"]["reason"] == "no statutory licence"
    assert checks["distance"]["held"]
    asked = client.get("/api/patients/1/candidates/1", headers=auth()).json
    assert {c["name"] for c in asked["criteria"] if not c["held"]} == {"exclusions"}
    assert client.get("/api/patients/9/candidates/1", headers=auth()).status_code == 404


def test_statistics(app, feed, builders, auth):
    seeded(feed, builders)
    body = app.test_client().get("/api/statistics", headers=auth()).json
    assert body["searching_patients"] == 1
    assert body["open_requests_by_status"]["proposed"] == 10


def test_matching_round_job_fills_patients(app, feed, builders, auth, db, ctx):
    feed.send(builders.patient(1))
    assert db.rows(ctx, "placement_requests") == []
    for tid in range(1, 4):
        feed.send(builders.therapist(tid, km_north=tid))
    with ctx.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM matching_service.placement_requests")
    result = (
        app.test_client().post("/api/jobs/matching-round/run", json={}, headers=auth("admin")).json
    )
    assert result["result"]["requests_created"] == 3


def test_expire_requests_28_days_after_first_contact(app, feed, builders, auth, db, ctx):
    seeded(feed, builders)
    first = db.rows(ctx, "placement_requests", therapist_id=1)[0]
    sent = feed.clock.now()
    feed.send(
        EmailSent(email_id=1, therapist_id=1, placement_request_ids=[first["id"]], sent_at=sent)
    )
    client = app.test_client()
    early = (sent + timedelta(days=28) - timedelta(seconds=1)).isoformat()
    client.post("/api/jobs/expire-requests/run", json={"as_of": early}, headers=auth("admin"))
    assert db.rows(ctx, "placement_requests", id=first["id"])[0]["status"] == "contacted"
    due = (sent + timedelta(days=28)).isoformat()
    client.post("/api/jobs/expire-requests/run", json={"as_of": due}, headers=auth("admin"))
    assert db.rows(ctx, "placement_requests", id=first["id"])[0]["status"] == "expired"
    assert [
        e["placement_request_id"] for e in db.outbox(ctx, "matching.placement_request_expired")
    ] == [first["id"]]
