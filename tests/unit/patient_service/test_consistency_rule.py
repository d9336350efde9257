"""The consistency check's rule (patient_service/domain/consistency.py), without a database."""

from __future__ import annotations

from patient_service.domain.consistency import LIST, REPAIR, assess

OPEN = [{"id": 5, "therapist_id": 7, "status": "contacted"}]


def test_agreement_needs_nothing():
    assert assess("searching", {"status": "searching", "open_requests": OPEN}, None).action is None
    assert assess("paused", None, None).action is None
    assert (
        assess("paused", {"status": "paused", "open_requests": []}, {"status": "paused"}).action
        is None
    )


def test_open_requests_of_a_patient_not_searching_are_repaired_by_republishing():
    found = assess("paused", {"status": "searching", "open_requests": OPEN}, None)
    assert found.action == REPAIR
    assert found.problems == ["matching_status:searching", "matching_open_requests"]


def test_a_stale_status_in_communication_is_repaired():
    assert assess("paused", None, {"status": "searching"}).action == REPAIR


def test_open_contacts_with_nothing_open_in_matching_are_listed():
    contacts = {"status": "paused", "open_emails": [11], "open_calls": []}
    found = assess("cancelled", {"status": "cancelled", "open_requests": []}, contacts)
    assert found.action == LIST and "communication_open_contacts" in found.problems


def test_a_placement_the_peers_recorded_is_listed_never_republished():
    assert assess("searching", {"status": "placed", "open_requests": []}, None).action == LIST
    assert assess("searching", None, {"status": "placed"}).action == LIST
