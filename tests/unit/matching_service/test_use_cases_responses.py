"""Recorded answers on in-memory fakes: the first acceptance places the patient, later ones
cancel, rejections close and may exclude, every answer starts one cooling period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from unit.matching_service.fakes import FILL, LOCATED, START, FakeMatchingUnitOfWork

from matching_service.config import Settings
from matching_service.services import updates
from matching_service.services.fill import FillSettings
from shared.events.communication import TherapistResponseRecorded
from shared.events.matching import (
    AcceptanceHeld,
    PlacementConfirmed,
    PlacementRequestCancelled,
    PlacementRequestStatusChanged,
    TherapistCoolingStarted,
)
from shared.rules import COOLING_PERIOD_DAYS

THERAPIST, OTHER = 7, 8


def answer(*outcomes: tuple[int, int, str], response_id: int = 31) -> TherapistResponseRecorded:
    return TherapistResponseRecorded(
        therapist_id=THERAPIST,
        response_id=response_id,
        channel="phone",
        outcomes=[
            {"placement_request_id": request, "patient_id": patient, "outcome": outcome}
            for request, patient, outcome in outcomes
        ],
        recorded_at=START,
    )


def record(uow: FakeMatchingUnitOfWork, event: TherapistResponseRecorded) -> None:
    updates.response_recorded(uow, FILL, event, "test", START + timedelta(minutes=1))


@pytest.fixture
def uow() -> FakeMatchingUnitOfWork:
    uow = FakeMatchingUnitOfWork()
    uow.patients.add(1, **LOCATED)  # the pairs pass the criteria re-checked at an acceptance
    for therapist_id in (THERAPIST, OTHER, 9):
        uow.therapists.add(therapist_id)
    uow.requests.add(1, THERAPIST, "contacted")  # id 1
    uow.requests.add(1, OTHER, "proposed")  # id 2
    uow.requests.add(1, 9, "rejected")  # id 3, closed already
    return uow


def test_the_first_acceptance_places_the_patient_and_cancels_the_other_open_requests(uow):
    record(uow, answer((1, 1, "accepted")))
    assert uow.requests.status_of(1) == "accepted"
    assert uow.requests.status_of(2) == "cancelled"
    assert uow.requests.rows[2]["close_reason"] == "patient_placed"
    assert uow.requests.status_of(3) == "rejected"  # terminal states never change
    patient = uow.patients.rows[1]
    assert (patient["status"], patient["placed_request_id"]) == ("placed", 1)
    assert patient["placed_therapist_id"] == THERAPIST
    [confirmed] = uow.events.of(PlacementConfirmed)
    assert (confirmed.patient_id, confirmed.placement_request_id) == (1, 1)
    assert uow.therapists.answered[THERAPIST] == 1
    assert uow.commits == 1


def test_an_acceptance_for_a_patient_placed_elsewhere_cancels_its_request(uow):
    uow.patients.rows[1]["placed_request_id"] = 99
    record(uow, answer((1, 1, "accepted")))
    assert uow.requests.status_of(1) == "cancelled"
    assert uow.requests.rows[1]["close_reason"] == "placed_elsewhere"
    assert uow.events.of(PlacementConfirmed) == []
    assert uow.requests.status_of(2) == "proposed"


def test_a_rejection_as_not_suitable_closes_the_request_and_excludes_the_therapist(uow):
    record(uow, answer((1, 1, "rejected_not_suitable")))
    assert uow.requests.status_of(1) == "rejected"
    assert uow.exclusions.pairs == {(1, THERAPIST): "rejected_not_suitable"}
    [changed] = uow.events.of(PlacementRequestStatusChanged)
    assert (changed.status, changed.previous_status) == ("rejected", "contacted")
    assert uow.patients.rows[1]["status"] == "searching"


def test_no_capacity_stores_the_therapists_capacity_as_no(uow):
    record(uow, answer((1, 1, "rejected_no_capacity")))
    [(therapist, stamp, values, at)] = uow.therapists.parts
    assert (therapist, stamp, at) == (THERAPIST, "capacity_at", START)
    assert values == {"accepting_new_patients": "no", "capacity_as_of": START.date()}
    assert uow.exclusions.pairs == {}


def test_every_answer_starts_a_cooling_period_of_the_configured_days(uow):
    record(uow, answer((1, 1, "rejected_no_capacity")))
    [cooling] = uow.events.of(TherapistCoolingStarted)
    assert cooling.ends_at == START + timedelta(days=COOLING_PERIOD_DAYS)
    assert (cooling.therapist_id, cooling.response_id) == (THERAPIST, 31)


def test_with_cooling_after_not_after_acceptance_only_answers_without_one_cool(uow):
    """COOLING_AFTER=not_after_acceptance: an answer accepting a patient starts no cooling (the
    practice had a place and may have more); every other answer still does."""
    settings = Settings(cooling_after="not_after_acceptance", _env_file=None)
    fill = FillSettings(settings.rules(), therapists=None, helpers=0)
    updates.response_recorded(uow, fill, answer((1, 1, "accepted")), "test", START)
    assert uow.events.of(TherapistCoolingStarted) == []
    assert uow.requests.status_of(1) == "accepted"
    rejected = answer((2, 1, "rejected_no_capacity"), response_id=32)
    updates.response_recorded(uow, fill, rejected, "test", START)
    [cooling] = uow.events.of(TherapistCoolingStarted)
    assert cooling.response_id == 32


def test_the_same_response_twice_starts_one_cooling_period_and_changes_nothing_more(uow):
    record(uow, answer((1, 1, "accepted")))
    events_before = len(uow.events.recorded)
    record(uow, answer((1, 1, "accepted")))
    assert len(uow.events.of(TherapistCoolingStarted)) == 1
    assert len(uow.events.recorded) == events_before  # the request is terminal now
    assert uow.therapists.answered[THERAPIST] == 1


def test_an_answer_about_another_therapists_request_changes_no_request(uow):
    record(uow, answer((2, 1, "accepted")))  # request 2 went to OTHER
    assert uow.requests.status_of(2) == "proposed"
    assert uow.events.of(PlacementConfirmed) == []
    assert uow.events.types() == [TherapistCoolingStarted.event_type]


def test_a_later_acceptance_in_the_same_answer_cancels_because_the_first_won():
    uow = FakeMatchingUnitOfWork()
    uow.patients.add(1, **LOCATED)  # the pairs pass the criteria re-checked at an acceptance
    for therapist_id in (THERAPIST, OTHER, 9):
        uow.therapists.add(therapist_id)
    uow.requests.add(1, THERAPIST, "contacted")
    uow.requests.add(1, THERAPIST, "contacted")
    record(uow, answer((1, 1, "accepted"), (2, 1, "accepted")))
    assert [uow.requests.status_of(i) for i in (1, 2)] == ["accepted", "cancelled"]
    assert len(uow.events.of(PlacementConfirmed)) == 1
    assert len(uow.events.of(PlacementRequestCancelled)) == 1


def late_uow(status: str, patient_status: str = "searching") -> FakeMatchingUnitOfWork:
    uow = FakeMatchingUnitOfWork()
    uow.patients.add(1, status=patient_status, **LOCATED)  # the pairs pass the re-check
    for therapist_id in (THERAPIST, OTHER):
        uow.therapists.add(therapist_id)
    uow.requests.add(1, THERAPIST, status, contacted_at=START - timedelta(days=30))  # id 1
    uow.requests.add(1, OTHER, "contacted", contacted_at=START - timedelta(days=3))  # id 2
    return uow


@pytest.mark.parametrize("status", ["expired", "no_response", "cancelled"])
def test_a_late_acceptance_places_a_searching_patient_with_that_therapist(status):
    """Fails before issue 16 item 1: an acceptance of an ended request was dropped."""
    uow = late_uow(status)
    record(uow, answer((1, 1, "accepted")))
    assert uow.requests.status_of(1) == "accepted"
    assert uow.requests.rows[1]["close_reason"] == "late_acceptance"
    assert uow.requests.status_of(2) == "cancelled"  # the other open request
    patient = uow.patients.rows[1]
    assert (patient["status"], patient["placed_request_id"]) == ("placed", 1)
    [confirmed] = uow.events.of(PlacementConfirmed)
    assert (confirmed.placement_request_id, confirmed.therapist_id) == (1, THERAPIST)


def test_a_late_acceptance_for_a_paused_patient_places_nobody():
    uow = late_uow("cancelled", patient_status="paused")
    record(uow, answer((1, 1, "accepted")))
    assert uow.requests.status_of(1) == "cancelled"
    assert uow.patients.rows[1]["status"] == "paused"
    assert uow.events.of(PlacementConfirmed) == []


def test_a_late_acceptance_after_an_earlier_one_won_tells_the_therapist_the_place_is_gone():
    """Fails before issue 16 item 1: the later acceptance of an ended request published
    nothing, so the "place is gone" e-mail could never be sent."""
    uow = late_uow("expired")
    uow.patients.rows[1].update(status="placed", placed_request_id=2, placed_therapist_id=OTHER)
    record(uow, answer((1, 1, "accepted")))
    assert uow.requests.status_of(1) == "expired"  # it stays as it ended
    [gone] = uow.events.of(PlacementRequestCancelled)
    assert (gone.placement_request_id, gone.reason) == (1, "placed_elsewhere")
    assert uow.events.of(PlacementConfirmed) == []


def test_requests_released_by_a_failed_outreach_are_cancelled_as_not_contacted():
    """Fails before issue 16 item 5: nobody consumed communication.email_failed, so the
    requests stayed `proposed`/`queued` for good."""
    uow = FakeMatchingUnitOfWork()
    uow.patients.add(1)
    uow.requests.add(1, THERAPIST, "queued")  # id 1
    uow.requests.add(1, THERAPIST, "contacted")  # id 2: contacted, not released
    updates.outreach_failed(uow, FILL, THERAPIST, [1, 2], "test", START)
    assert uow.requests.status_of(1) == "cancelled"
    assert uow.requests.rows[1]["close_reason"] == "email_failed"
    assert uow.requests.status_of(2) == "contacted"
    [cancelled] = uow.events.of(PlacementRequestCancelled)
    assert cancelled.placement_request_id == 1


def test_an_acceptance_for_a_paused_patient_is_held_for_staff_not_lost():
    """Failed before this change: matching dropped it silently, and when communication did not
    know of the pause yet, no one ever saw the acceptance."""
    uow = late_uow("cancelled", patient_status="paused")
    record(uow, answer((1, 1, "accepted")))
    [held] = uow.events.of(AcceptanceHeld)
    assert (held.patient_id, held.placement_request_id, held.patient_status) == (1, 1, "paused")
    assert uow.events.of(PlacementConfirmed) == []
