"""Patient use cases on in-memory fakes: status changes, placement by matching, erasure."""

from __future__ import annotations

import pytest
from unit.patient_service.fakes import (
    START,
    FakePatientContext,
    FakePatientUnitOfWork,
    patient_row,
)

from patient_service.domain.errors import (
    PatientErased,
    PatientNotFound,
    TransitionRefused,
    VersionConflict,
)
from patient_service.services import erasure, lifecycle, placement
from shared.events.envelope import Envelope
from shared.events.matching import PlacementConfirmed
from shared.events.patient import ErasureCompleted, PatientPlacementRefused
from shared.events.patient import PatientErased as PatientErasedEvent


def confirmed(patient_id: int = 42, therapist_id: int = 7) -> PlacementConfirmed:
    return PlacementConfirmed(
        patient_id=patient_id,
        therapist_id=therapist_id,
        placement_request_id=100,
        confirmed_at=START,
    )


def envelope_of(event: PlacementConfirmed) -> Envelope:
    return event.envelope("matching_service", START, None)


def confirm(uow: FakePatientUnitOfWork, event: PlacementConfirmed) -> str:
    return placement.confirm_placement(
        uow, FakePatientContext(uow).clock, event, envelope_of(event)
    )


def test_pausing_a_searching_patient_writes_audits_and_announces_once():
    uow = FakePatientUnitOfWork(patient_row())
    row = lifecycle.change_status(FakePatientContext(uow), 42, "paused", 1, "staff:anna")
    assert (row["status"], row["version"]) == ("paused", 2)
    assert uow.events.types() == ["patient.search_paused"]
    assert uow.timeline.audit[0][1:3] == ("staff:anna", "status_changed")
    assert uow.commits == 1


def test_a_stale_version_is_refused_and_changes_nothing():
    uow = FakePatientUnitOfWork(patient_row())
    with pytest.raises(VersionConflict) as refused:
        lifecycle.change_status(FakePatientContext(uow), 42, "paused", 7, "staff:anna")
    assert refused.value.status == 409 and refused.value.code == "version_conflict"
    assert uow.patients.rows[42]["status"] == "searching" and uow.commits == 0


def test_a_transition_the_lifecycle_forbids_is_a_conflict():
    uow = FakePatientUnitOfWork(patient_row(status="completed"))
    with pytest.raises(TransitionRefused):
        lifecycle.change_status(FakePatientContext(uow), 42, "searching", None, "staff:anna")
    assert uow.events.recorded == [] and uow.commits == 0


def test_unknown_and_erased_patients_do_not_change():
    uow = FakePatientUnitOfWork(patient_row(erased_at=START))
    with pytest.raises(PatientNotFound):
        lifecycle.change_status(FakePatientContext(uow), 99, "paused", None, "staff:anna")
    with pytest.raises(PatientErased):
        lifecycle.change_status(FakePatientContext(uow), 42, "paused", None, "staff:anna")


def test_a_placement_for_a_searching_patient_is_applied_and_announced():
    uow = FakePatientUnitOfWork(patient_row())
    event = confirmed()
    assert (
        placement.confirm_placement(uow, FakePatientContext(uow).clock, event, envelope_of(event))
        == "applied"
    )
    row = uow.patients.rows[42]
    assert (row["status"], row["placed_therapist_id"], row["placed_at"]) == ("placed", 7, START)
    [placed] = uow.events.recorded
    assert placed[0].event_type == "patient.placed" and placed[0].therapist_id == 7
    assert uow.timeline.audit[0][1:3] == ("matching_service", "placed")


def test_a_repeated_placement_changes_nothing():
    uow = FakePatientUnitOfWork(patient_row(status="placed", placed_therapist_id=7))
    event = confirmed()
    outcome = placement.confirm_placement(
        uow, FakePatientContext(uow).clock, event, envelope_of(event)
    )
    assert outcome == "unchanged"
    assert uow.events.recorded == [] and uow.timeline.events == []


@pytest.mark.parametrize("status", ["paused", "cancelled"])
def test_a_placement_for_a_patient_not_searching_is_refused_and_shown_to_staff(status):
    uow = FakePatientUnitOfWork(patient_row(status=status))
    event = confirmed()
    outcome = placement.confirm_placement(
        uow, FakePatientContext(uow).clock, event, envelope_of(event)
    )
    assert outcome == f"refused_in_status_{status}"
    assert uow.patients.rows[42]["status"] == status
    [(patient_id, event_type, summary)] = uow.timeline.events
    assert (patient_id, summary["outcome"]) == (42, outcome)


@pytest.mark.parametrize("status", ["paused", "cancelled"])
def test_a_refused_placement_is_announced_so_matching_takes_it_back(status):
    """Failed before this change: the refusal was only logged, matching kept the patient
    placed, and after a resume the patient was never matched again."""
    uow = FakePatientUnitOfWork(patient_row(status=status))
    confirm(uow, confirmed())
    [refused] = uow.events.of(PatientPlacementRefused)
    assert (refused.patient_id, refused.therapist_id, refused.placement_request_id) == (42, 7, 100)
    assert refused.status == status and uow.events.types() == [refused.event_type]


def test_erasure_tombstones_once_opens_a_step_per_service_and_announces():
    uow = FakePatientUnitOfWork(patient_row())
    ctx = FakePatientContext(uow)
    status, created = erasure.erase_patient(ctx, 42, "admin:eva")
    assert created and uow.patients.rows[42]["erased_at"] == START
    assert uow.events.types() == [PatientErasedEvent.event_type]
    services = {step["service"]: step["completed_at"] for step in status["services"]}
    assert services["patient_service"] == START
    assert services["matching_service"] is None
    again, created_again = erasure.erase_patient(ctx, 42, "admin:eva")
    assert not created_again and uow.commits == 1 and len(uow.events.recorded) == 1


def test_a_services_completion_is_recorded_once():
    uow = FakePatientUnitOfWork(patient_row())
    erasure.erase_patient(FakePatientContext(uow), 42, "admin:eva")
    done = ErasureCompleted(patient_id=42, completed_at=START, counts={"requests_cancelled": 2})
    assert erasure.record_completion(uow, "matching_service", done) is True
    assert erasure.record_completion(uow, "matching_service", done) is False
    step = uow.erasure.step_rows[(42, "matching_service")]
    assert step["counts"] == {"requests_cancelled": 2}
