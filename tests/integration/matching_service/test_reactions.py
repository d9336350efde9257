"""Events in, requests and events out: search start, therapist blocked, acceptance, responses."""

from __future__ import annotations

from datetime import timedelta

from shared.events.communication import (
    CallFailed,
    EmailSent,
    ResponseOutcomeItem,
    TherapistResponseRecorded,
)
from shared.events.patient import PatientSearchPaused
from shared.events.therapist import TherapistBlocked


def open_requests(db, ctx, patient_id):
    return [
        r
        for r in db.rows(ctx, "placement_requests", patient_id=patient_id)
        if r["status"] in ("proposed", "queued", "contacted", "follow_up_scheduled")
    ]


def setup_patient_with_therapists(feed, builders, count=12):
    for tid in range(1, count + 1):
        feed.send(builders.therapist(tid, km_north=tid))
    feed.send(builders.patient(1))


def respond(feed, therapist_id, request, outcome, response_id):
    item = ResponseOutcomeItem(placement_request_id=request["id"], patient_id=1, outcome=outcome)
    feed.send(
        TherapistResponseRecorded(
            therapist_id=therapist_id,
            response_id=response_id,
            channel="email",
            outcomes=[item],
            recorded_at=feed.clock.now(),
        )
    )


def test_search_started_creates_the_ten_best_requests(feed, builders, ctx, db):
    feed.send(builders.therapist(99, km_north=40))  # out of reach
    setup_patient_with_therapists(feed, builders)
    requests = open_requests(db, ctx, 1)
    assert len(requests) == 10
    assert sorted(r["therapist_id"] for r in requests) == list(range(1, 11))
    assert all(r["status"] == "proposed" and 0 <= r["score"] <= 1 for r in requests)
    created = db.outbox(ctx, "matching.placement_requests_created")
    items = [item for event in created for item in event["requests"]]
    assert len(items) == 10 and items[0]["patient"]["insurance_type"] == "statutory"
    assert "latitude" not in items[0]["patient"]


def test_blocked_therapist_cancels_uncontacted_requests_and_marks_the_rest(feed, builders, ctx, db):
    setup_patient_with_therapists(feed, builders)
    by_tid = {r["therapist_id"]: r for r in open_requests(db, ctx, 1)}
    feed.send(
        EmailSent(
            email_id=1,
            therapist_id=2,
            placement_request_ids=[by_tid[2]["id"]],
            sent_at=feed.clock.now(),
        )
    )
    feed.send(TherapistBlocked(therapist_id=1, blocked_at=feed.clock.now()))
    feed.send(TherapistBlocked(therapist_id=2, blocked_at=feed.clock.now()))
    after = {r["therapist_id"]: r for r in db.rows(ctx, "placement_requests", patient_id=1)}
    assert after[1]["status"] == "cancelled" and after[1]["close_reason"] == "therapist_blocked"
    assert after[2]["status"] == "contacted" and after[2]["therapist_unavailable"]
    assert after[11]["status"] == "proposed"  # the replacement
    cancelled = db.outbox(ctx, "matching.placement_request_cancelled")
    assert [c["therapist_id"] for c in cancelled] == [1]


def test_acceptance_places_the_patient_and_cancels_the_other_requests(feed, builders, ctx, db):
    setup_patient_with_therapists(feed, builders)
    by_tid = {r["therapist_id"]: r for r in open_requests(db, ctx, 1)}
    respond(feed, 3, by_tid[3], "accepted", response_id=1)
    respond(feed, 4, by_tid[4], "accepted", response_id=2)  # later: the place is gone
    after = {r["therapist_id"]: r["status"] for r in db.rows(ctx, "placement_requests")}
    assert after[3] == "accepted"
    assert [s for t, s in after.items() if t != 3] == ["cancelled"] * 9
    confirmed = db.outbox(ctx, "matching.placement_confirmed")
    assert [(c["patient_id"], c["therapist_id"]) for c in confirmed] == [(1, 3)]
    cooling = db.outbox(ctx, "matching.therapist_cooling_started")
    assert sorted(c["therapist_id"] for c in cooling) == [3, 4]
    assert len(db.rows(ctx, "placement_requests")) == 10  # no refill after placement


def test_not_suitable_excludes_the_therapist_and_refills(feed, builders, ctx, db):
    setup_patient_with_therapists(feed, builders)
    by_tid = {r["therapist_id"]: r for r in open_requests(db, ctx, 1)}
    respond(feed, 5, by_tid[5], "rejected_not_suitable", response_id=7)
    assert db.rows(ctx, "exclusions")[0]["therapist_id"] == 5
    assert 11 in {r["therapist_id"] for r in open_requests(db, ctx, 1)}
    therapist = db.rows(ctx, "therapists", therapist_id=5)[0]
    assert therapist["cooling_until"] == feed.clock.now() + timedelta(days=28)


def test_paused_search_cancels_open_requests(feed, builders, ctx, db):
    setup_patient_with_therapists(feed, builders)
    feed.clock.advance(minutes=1)
    feed.send(builders.patient(1, cls=PatientSearchPaused, status="paused"))
    assert open_requests(db, ctx, 1) == []
    assert len(db.outbox(ctx, "matching.placement_request_cancelled")) == 10


def test_final_failed_call_ends_requests_as_no_response(feed, builders, ctx, db):
    setup_patient_with_therapists(feed, builders)
    by_tid = {r["therapist_id"]: r for r in open_requests(db, ctx, 1)}
    feed.send(
        CallFailed(
            call_id=1,
            therapist_id=6,
            placement_request_ids=[by_tid[6]["id"]],
            attempt=3,
            final=True,
        )
    )
    assert db.rows(ctx, "placement_requests", id=by_tid[6]["id"])[0]["status"] == "no_response"
    assert len(open_requests(db, ctx, 1)) == 10


def test_new_therapist_nearby_gets_a_request_for_a_patient_below_ten(feed, builders, ctx, db):
    setup_patient_with_therapists(feed, builders, count=3)
    assert len(open_requests(db, ctx, 1)) == 3
    feed.send(builders.therapist(50, km_north=2.5))
    assert 50 in {r["therapist_id"] for r in open_requests(db, ctx, 1)}
