"""Staff lift a therapist's cooling period: audited, published, and the therapist is proposed
again; 400 without a reason (German), 404 for an unknown therapist, 409 when nothing cools."""

from __future__ import annotations

from integration.matching_service.test_reactions import (
    open_requests,
    respond,
    setup_patient_with_therapists,
)


def test_staff_lift_a_cooling_period_and_the_therapist_may_be_contacted_again(
    app, feed, builders, ctx, db, auth
):
    """Issue 16 item 9: nothing could lift a cooling period (the route did not exist: 404 for
    every call, this test failed)."""
    setup_patient_with_therapists(feed, builders)
    by_tid = {r["therapist_id"]: r for r in open_requests(db, ctx, 1)}
    respond(feed, 5, by_tid[5], "rejected_no_capacity", response_id=7)
    assert db.rows(ctx, "therapists", therapist_id=5)[0]["cooling_until"] is not None
    client = app.test_client()
    url = "/api/therapists/5/cooling/lift"

    missing = client.post(url, json={}, headers=auth())
    assert missing.status_code == 400 and "Grund" in missing.json["error"]["message"]
    blank = client.post(url, json={"reason": "  "}, headers=auth("admin"))
    assert blank.status_code == 400
    assert client.post(url, json={"reason": "x"}, headers=auth("service")).status_code == 403
    unknown = client.post("/api/therapists/999/cooling/lift", json={"reason": "x"}, headers=auth())
    assert unknown.status_code == 404

    feed.clock.advance(hours=1)
    lifted = client.post(url, json={"reason": "Praxis bittet um neue Anfragen"}, headers=auth())
    assert lifted.status_code == 200 and lifted.json["lifted_periods"] == 1
    assert db.rows(ctx, "therapists", therapist_id=5)[0]["cooling_until"] is None
    [period] = db.rows(ctx, "cooling_periods", therapist_id=5)
    assert period["lifted_at"] == feed.clock.now()
    assert period["lift_reason"] == "Praxis bittet um neue Anfragen"
    [event] = db.outbox(ctx, "matching.therapist_cooling_lifted")
    assert event["therapist_id"] == 5 and event["lifted_by"] == period["lifted_by"]
    audit = client.get("/api/audit?record=therapist:5", headers=auth("admin"))
    assert audit.status_code == 200 and audit.json["total"] >= 1

    again = client.post(url, json={"reason": "noch einmal"}, headers=auth())
    assert again.status_code == 409 and again.json["error"]["code"] == "not_cooling"
