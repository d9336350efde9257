"""Placement and pause cannot cross (issue 16, item 6), on the database through the real
consumer path, in both orders: whatever matching saw first, after the patient service's
refusal and a resume the patient is searching with open requests again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from integration.matching_service.test_ordering import scenario

from shared.events.communication import ResponseOutcomeItem, TherapistResponseRecorded
from shared.events.patient import PatientPlacementRefused, PatientSearchPaused, PatientSearchResumed


def accepted(feed, request, response_id: int = 1) -> TherapistResponseRecorded:
    return TherapistResponseRecorded(
        therapist_id=request["therapist_id"],
        response_id=response_id,
        channel="email",
        recorded_at=feed.clock.now(),
        outcomes=[
            ResponseOutcomeItem(
                placement_request_id=request["id"], patient_id=1, outcome="accepted"
            )
        ],
    )


def open_requests(ctx, db) -> list[dict]:
    rows = db.rows(ctx, "placement_requests", patient_id=1)
    return [r for r in rows if r["status"] in ("proposed", "queued", "contacted")]


@pytest.mark.parametrize("pause_first", [False, True], ids=["accept-then-pause", "pause-first"])
def test_a_resumed_patient_is_matched_again_whatever_crossed(feed, builders, ctx, db, pause_first):
    """Failed before this change (accept-then-pause): matching kept placed_request_id after the
    patient service refused the placement, and the resumed patient never got a request."""
    for envelope in scenario(feed, builders):
        feed.deliver(envelope)
    [first, *_] = sorted(open_requests(ctx, db), key=lambda r: r["id"])
    t0 = feed.clock.now()
    paused = feed.envelope(builders.patient(1, PatientSearchPaused, status="paused"), t0)
    answer = feed.envelope(accepted(feed, first), t0 + timedelta(seconds=1))
    for envelope in [paused, answer] if pause_first else [answer, paused]:
        feed.deliver(envelope)
    placed = db.rows(ctx, "patients", patient_id=1)[0]["placed_request_id"] is not None
    if placed:  # the patient service answers matching's placement_confirmed with a refusal
        refusal = PatientPlacementRefused(
            patient_id=1,
            therapist_id=first["therapist_id"],
            placement_request_id=first["id"],
            status="paused",
            refused_at=t0 + timedelta(seconds=2),
        )
        feed.send(refusal, t0 + timedelta(seconds=2))
    resumed = builders.patient(1, PatientSearchResumed, status="searching")
    feed.send(resumed, t0 + timedelta(days=7))

    patient = db.rows(ctx, "patients", patient_id=1)[0]
    assert (patient["status"], patient["placed_request_id"]) == ("searching", None)
    assert open_requests(ctx, db), "the resumed patient has open requests again"
