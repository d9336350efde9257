"""patient.erased on in-memory fakes: open requests cancelled, exclusions gone, a tombstone,
and matching.patient_erased with the counts, in one commit."""

from __future__ import annotations

from unit.matching_service.fakes import START, FakeMatchingUnitOfWork

from matching_service.services.erasure import erase_patient
from shared.events.matching import MatchingPatientErased, PlacementRequestCancelled


def test_erasure_cancels_open_requests_drops_exclusions_and_leaves_a_tombstone():
    uow = FakeMatchingUnitOfWork()
    uow.patients.add(1)
    uow.patients.add(2)
    open_request = uow.requests.add(1, 7, "contacted")
    closed_request = uow.requests.add(1, 8, "rejected")
    others = uow.requests.add(2, 7, "proposed")
    uow.exclusions.add(1, 8, "rejected_not_suitable", START)
    uow.exclusions.add(2, 8, "no_show", START)
    uow.outbox.profile_rows = {1: 2, 2: 1}

    counts = erase_patient(uow, 1, START)

    assert counts == {
        "requests_cancelled": 1,
        "exclusions_deleted": 1,
        "profiles_anonymised": 1,
        "outbox_rows_scrubbed": 2,
    }
    assert uow.outbox.profile_rows == {2: 1}
    assert uow.requests.status_of(open_request) == "cancelled"
    assert uow.requests.rows[open_request]["close_reason"] == "patient_erased"
    assert uow.requests.status_of(closed_request) == "rejected"
    assert uow.requests.status_of(others) == "proposed"
    assert uow.exclusions.pairs == {(2, 8): "no_show"}
    assert uow.patients.tombstoned == [1]
    assert uow.commits == 1


def test_erasure_reports_what_it_removed_last():
    uow = FakeMatchingUnitOfWork()
    uow.requests.add(1, 7, "proposed")
    erase_patient(uow, 1, START)
    assert uow.events.types() == [
        PlacementRequestCancelled.event_type,
        MatchingPatientErased.event_type,
    ]
    [done] = uow.events.of(MatchingPatientErased)
    assert done.patient_id == 1 and done.completed_at == START
    assert done.counts["requests_cancelled"] == 1
