"""Only a real contact counts as "asked" (issue 16, item 4): a request cancelled before the
therapist was contacted (pause, block) does not exclude the therapist, so after the resume or
the unblock the pair is proposed again; a contacted pair never is; the database allows one open
request per pair and never a second request for a pair that was asked.

Before the change the two re-proposal tests and the database case "cancelled before contact"
failed (any earlier request excluded the pair for good, and the unique pair constraint refused a
second row); checked against the unchanged code. The refused database cases pin what must stay
refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from matching_service import models as m
from shared.events.communication import EmailSent
from shared.events.patient import PatientSearchPaused, PatientSearchResumed
from shared.events.therapist import TherapistBlocked, TherapistUnblocked

from .conftest import START

OPEN = ("proposed", "queued", "contacted", "follow_up_scheduled")


def open_by_therapist(db, ctx, patient_id: int) -> dict[int, dict]:
    rows = db.rows(ctx, "placement_requests", patient_id=patient_id)
    return {r["therapist_id"]: r for r in rows if r["status"] in OPEN}


def later(feed, minutes: int = 1):
    feed.clock.set(feed.clock.now() + timedelta(minutes=minutes))


def test_after_a_pause_the_uncontacted_therapists_are_proposed_again(feed, builders, ctx, db):
    for tid in range(1, 13):
        feed.send(builders.therapist(tid, km_north=tid))
    feed.send(builders.patient(1))
    before = open_by_therapist(db, ctx, 1)
    assert sorted(before) == list(range(1, 11))
    feed.send(
        EmailSent(
            email_id=1,
            therapist_id=3,
            placement_request_ids=[before[3]["id"]],
            sent_at=feed.clock.now(),
        )
    )
    later(feed)
    feed.send(builders.patient(1, cls=PatientSearchPaused, status="paused"))
    assert open_by_therapist(db, ctx, 1) == {}
    later(feed)
    feed.send(builders.patient(1, cls=PatientSearchResumed))

    after = open_by_therapist(db, ctx, 1)
    assert 3 not in after  # contacted before the pause: asked, never again
    assert sorted(after) == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11]
    assert all(after[t]["id"] != before[t]["id"] for t in after if t in before)


def test_after_an_unblock_the_uncontacted_patients_are_proposed_again(feed, builders, ctx, db):
    for tid in range(1, 11):
        feed.send(builders.therapist(tid, km_north=tid))
    feed.send(builders.patient(1))
    first = open_by_therapist(db, ctx, 1)[4]
    later(feed)
    feed.send(TherapistBlocked(therapist_id=4, blocked_at=feed.clock.now()))
    assert 4 not in open_by_therapist(db, ctx, 1)
    later(feed)
    feed.send(TherapistUnblocked(therapist_id=4, unblocked_at=feed.clock.now()))
    again = open_by_therapist(db, ctx, 1)[4]
    assert again["id"] != first["id"] and again["status"] == "proposed"


def request_row(status: str, contacted: bool = False) -> dict:
    parts = {"distance": 0.5, "capacity": 0.5, "response_rate": 0.5, "availability": 0.5}
    return {
        "patient_id": 77,
        "therapist_id": 7,
        "status": status,
        "score": 0.5,
        "score_parts": parts,
        "distance_km": 1.0,
        "criteria": [],
        "created_at": START,
        "updated_at": START,
        "contacted_at": START if contacted else None,
    }


@pytest.mark.parametrize(
    ("earlier", "contacted", "allowed"),
    [
        ("cancelled", False, True),  # cancelled before contact: not an ask
        ("proposed", False, False),  # a second open request
        ("queued", False, False),
        ("cancelled", True, False),  # cancelled after contact: asked
        ("expired", True, False),
        ("rejected", True, False),
        ("no_response", False, False),  # answered or ended by calls: asked
    ],
)
def test_the_database_allows_a_new_request_only_after_one_cancelled_before_contact(
    ctx, earlier, contacted, allowed
):
    with ctx.engine.begin() as conn:
        conn.execute(insert(m.placement_requests), [request_row(earlier, contacted)])
    again = insert(m.placement_requests).values(**request_row("proposed"))
    if allowed:
        with ctx.engine.begin() as conn:
            conn.execute(again)
    else:
        with pytest.raises(IntegrityError), ctx.engine.begin() as conn:
            conn.execute(again)
