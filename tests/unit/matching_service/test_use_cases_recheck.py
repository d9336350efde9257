"""An acceptance never places a patient with a therapist who fails a hard criterion at that
moment (issue 16, item 3): matching re-checks the pair and cancels the request
`criteria_changed` instead of placing. Before the change the acceptance placed the patient:
the three "does not place" tests failed (checked against the unchanged code); the last one is
the control (a pair that still matches is placed, a cooling period is no reason against it)."""

from __future__ import annotations

from datetime import timedelta

from unit.matching_service.fakes import FILL, LOCATED, START, FakeMatchingUnitOfWork

from matching_service.services import updates
from shared.events.communication import TherapistResponseRecorded
from shared.events.matching import (
    PlacementConfirmed,
    PlacementRequestCancelled,
    TherapistCoolingStarted,
)

THERAPIST, OTHER = 7, 8


def accepted(request_id: int, patient_id: int) -> TherapistResponseRecorded:
    return TherapistResponseRecorded(
        therapist_id=THERAPIST,
        response_id=41,
        channel="email",
        outcomes=[
            {"placement_request_id": request_id, "patient_id": patient_id, "outcome": "accepted"}
        ],
        recorded_at=START,
    )


def world(**patient: object) -> FakeMatchingUnitOfWork:
    uow = FakeMatchingUnitOfWork()
    uow.patients.add(1, **{**LOCATED, **patient})
    uow.therapists.add(THERAPIST)  # female, VT adults individual, statutory licence
    uow.therapists.add(OTHER)
    uow.requests.add(1, THERAPIST, "contacted")  # id 1
    uow.requests.add(1, OTHER, "proposed")  # id 2
    return uow


def record(uow: FakeMatchingUnitOfWork, event: TherapistResponseRecorded) -> None:
    updates.response_recorded(uow, FILL, event, "test", START + timedelta(minutes=1))


def test_an_acceptance_of_a_pair_that_no_longer_matches_cancels_instead_of_placing():
    uow = world(preferences={"therapist_gender": "male"})
    record(uow, accepted(1, 1))
    assert uow.requests.status_of(1) == "cancelled"
    assert uow.requests.rows[1]["close_reason"] == "criteria_changed"
    assert uow.patients.rows[1]["placed_request_id"] is None
    assert uow.events.of(PlacementConfirmed) == []
    [cancelled] = uow.events.of(PlacementRequestCancelled)
    assert (cancelled.placement_request_id, cancelled.reason) == (1, "criteria_changed")
    assert uow.requests.status_of(2) == "proposed"  # not touched here
    assert len(uow.events.of(TherapistCoolingStarted)) == 1  # an answer all the same


def test_an_acceptance_for_a_patient_whose_location_failed_does_not_place():
    uow = world(location_status="failed")
    record(uow, accepted(1, 1))
    assert uow.requests.status_of(1) == "cancelled"
    assert uow.patients.rows[1]["status"] == "searching"


def test_an_acceptance_of_a_therapist_who_lost_the_statutory_licence_does_not_place():
    uow = world()
    uow.therapists.rows[THERAPIST]["statutory_licence"] = False
    record(uow, accepted(1, 1))
    assert uow.requests.rows[1]["close_reason"] == "criteria_changed"
    assert uow.events.of(PlacementConfirmed) == []


def test_an_acceptance_of_a_pair_that_still_matches_places_the_patient():
    uow = world()
    uow.therapists.rows[THERAPIST]["cooling_until"] = START + timedelta(days=3)  # not a reason
    record(uow, accepted(1, 1))
    assert uow.requests.status_of(1) == "accepted"
    assert uow.patients.rows[1]["placed_request_id"] == 1
