"""Open requests follow the criteria (issue 16, item 3): after `patient.updated` or a therapist
change, every open request that no longer passes the hard criteria is cancelled
`criteria_changed` and the patient is topped up with new candidates.

Before the change the open requests stayed: every test here but the control (an unrelated
change cancels nothing) failed; checked against the unchanged code."""

from __future__ import annotations

from datetime import timedelta

from shared.events.patient import PatientUpdated
from shared.events.therapist import OfferItem, TherapistUpdated

OPEN = ("proposed", "queued", "contacted", "follow_up_scheduled")


def requests_of(db, ctx, patient_id: int) -> dict[int, dict]:
    """The newest request per therapist."""
    return {r["therapist_id"]: r for r in db.rows(ctx, "placement_requests", patient_id=patient_id)}


def open_therapists(db, ctx, patient_id: int) -> list[int]:
    return sorted(t for t, r in requests_of(db, ctx, patient_id).items() if r["status"] in OPEN)


def later(feed, minutes: int = 1) -> None:
    feed.clock.set(feed.clock.now() + timedelta(minutes=minutes))


def seeded(feed, builders) -> None:
    """Therapists 1-12, 1 km apart; the odd ones are male; patient 1 gets 1-10."""
    for tid in range(1, 13):
        feed.send(builders.therapist(tid, km_north=tid, gender="male" if tid % 2 else "female"))
    feed.send(builders.patient(1))


def cancelled_reasons(db, ctx) -> set[str]:
    return {e["reason"] for e in db.outbox(ctx, "matching.placement_request_cancelled")}


def test_a_new_gender_wish_cancels_the_requests_that_no_longer_match_and_tops_up(
    feed, builders, ctx, db
):
    seeded(feed, builders)
    assert open_therapists(db, ctx, 1) == list(range(1, 11))
    later(feed)
    feed.send(
        builders.patient(
            1, cls=PatientUpdated, preferences={"therapist_gender": "female", "barrier_free": False}
        )
    )
    assert open_therapists(db, ctx, 1) == [2, 4, 6, 8, 10, 12]  # 12 is the top-up
    mine = requests_of(db, ctx, 1)
    assert {mine[t]["close_reason"] for t in (1, 3, 5, 7, 9)} == {"criteria_changed"}
    assert cancelled_reasons(db, ctx) == {"criteria_changed"}


def test_a_location_that_failed_cancels_every_open_request(feed, builders, ctx, db):
    seeded(feed, builders)
    later(feed)
    feed.send(
        builders.patient(
            1, cls=PatientUpdated, location_status="failed", latitude=None, longitude=None
        )
    )
    assert open_therapists(db, ctx, 1) == []
    assert len(db.outbox(ctx, "matching.placement_request_cancelled")) == 10
    assert cancelled_reasons(db, ctx) == {"criteria_changed"}


def test_a_smaller_radius_cancels_the_far_requests(feed, builders, ctx, db):
    seeded(feed, builders)
    later(feed)
    feed.send(builders.patient(1, cls=PatientUpdated, preferences={"max_distance_km": 5.5}))
    assert open_therapists(db, ctx, 1) == [1, 2, 3, 4, 5]


def test_a_therapist_who_drops_the_statutory_licence_loses_its_requests(feed, builders, ctx, db):
    seeded(feed, builders)
    later(feed)
    changed = builders.therapist(4, km_north=4, statutory_licence=False).model_dump()
    feed.send(TherapistUpdated(**changed, changed_fields=["statutory_licence"]))
    assert requests_of(db, ctx, 1)[4]["close_reason"] == "criteria_changed"
    assert open_therapists(db, ctx, 1) == [1, 2, 3, 5, 6, 7, 8, 9, 10, 11]  # 11 tops up


def test_a_therapist_who_changes_offers_or_age_range_loses_the_requests_that_fail(
    feed, builders, ctx, db
):
    seeded(feed, builders)
    later(feed)
    children = [OfferItem(procedure="VT", age_group="children_adolescents", setting="individual")]
    three = builders.therapist(3, km_north=3, gender="male", offers=children).model_dump()
    feed.send(TherapistUpdated(**three))
    five = builders.therapist(5, km_north=5, gender="male", age_min=40, age_max=80).model_dump()
    feed.send(TherapistUpdated(**five))
    mine = requests_of(db, ctx, 1)
    assert (mine[3]["close_reason"], mine[5]["close_reason"]) == (
        "criteria_changed",
        "criteria_changed",
    )
    assert 3 not in open_therapists(db, ctx, 1) and 5 not in open_therapists(db, ctx, 1)
    assert len(open_therapists(db, ctx, 1)) == 10


def test_an_unrelated_change_leaves_the_open_requests(feed, builders, ctx, db):
    seeded(feed, builders)
    before = {t: r["id"] for t, r in requests_of(db, ctx, 1).items()}
    later(feed)
    feed.send(builders.patient(1, cls=PatientUpdated, urgent=True))
    after = requests_of(db, ctx, 1)
    assert {t: r["id"] for t, r in after.items()} == before
    assert db.outbox(ctx, "matching.placement_request_cancelled") == []


def test_new_availability_cancels_the_requests_without_enough_overlap(feed, builders, ctx, db):
    monday = {"mon": ["08:00-12:00"]}
    for tid in range(1, 13):
        hours = monday if tid <= 3 else {}
        feed.send(builders.therapist(tid, km_north=tid, consultation_hours=hours))
    feed.send(builders.patient(1))
    assert open_therapists(db, ctx, 1) == list(range(1, 11))
    later(feed)
    feed.send(builders.patient(1, cls=PatientUpdated, availability={"tue": ["09:00-12:00"]}))
    assert open_therapists(db, ctx, 1) == list(range(4, 13))
    assert {requests_of(db, ctx, 1)[t]["close_reason"] for t in (1, 2, 3)} == {"criteria_changed"}
