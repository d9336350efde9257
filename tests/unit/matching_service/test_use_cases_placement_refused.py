"""Placement and pause/cancel cannot cross (issue 16, item 6): when the patient service refuses
matching's placement because the patient was paused or cancelled first, matching takes the
placement back, so the services agree and a resumed patient is matched again."""

from __future__ import annotations

from unit.matching_service.fakes import FILL, START, FakeMatchingUnitOfWork

from matching_service.services import updates
from shared.events.matching import PlacementRequestCancelled
from shared.events.patient import PatientPlacementRefused


def refused(request_id: int, status: str = "paused") -> PatientPlacementRefused:
    return PatientPlacementRefused(
        patient_id=1,
        therapist_id=7,
        placement_request_id=request_id,
        status=status,
        refused_at=START,
    )


def placed_patient() -> tuple[FakeMatchingUnitOfWork, int]:
    uow = FakeMatchingUnitOfWork()
    uow.patients.add(1)
    request_id = uow.requests.add(1, 7, "accepted")
    uow.patients.place(1, request_id, 7, START)
    return uow, request_id


def test_a_refused_placement_is_taken_back_and_the_accepted_request_cancelled():
    """Failed before this change: matching kept placed_request_id, so after a resume the
    patient was searching with no request, forever."""
    uow, request_id = placed_patient()

    assert updates.placement_refused(uow, FILL, refused(request_id), START)

    patient = uow.patients.rows[1]
    assert (patient["status"], patient["placed_request_id"]) == ("paused", None)
    assert uow.requests.status_of(request_id) == "cancelled"
    assert uow.requests.rows[request_id]["close_reason"] == "placement_refused"
    [cancelled] = uow.events.of(PlacementRequestCancelled)
    assert cancelled.reason == "placement_refused"
    assert uow.commits == 1


def test_once_taken_back_the_patient_is_searchable_again_after_a_resume():
    uow, request_id = placed_patient()
    updates.placement_refused(uow, FILL, refused(request_id), START)
    uow.patients.rows[1]["status"] = "searching"  # what patient.search_resumed stores
    assert [row["patient_id"] for row in uow.patients.searching([1])] == [1]


def test_a_refusal_of_another_request_changes_nothing():
    uow, request_id = placed_patient()
    assert not updates.placement_refused(uow, FILL, refused(request_id + 99), START)
    assert uow.patients.rows[1]["placed_request_id"] == request_id
    assert uow.requests.status_of(request_id) == "accepted"
    assert uow.events.recorded == []
