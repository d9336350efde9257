"""Request transitions on in-memory fakes: contact, expiry after REQUEST_EXPIRY_DAYS, an
unavailable therapist, staff cancelling, a patient who stops searching."""

from __future__ import annotations

from datetime import timedelta

import pytest
from unit.matching_service.fakes import FILL, START, FakeMatchingUnitOfWork

from matching_service.domain.errors import RequestClosed, RequestNotFound
from matching_service.services import reactions, requests, rounds, transitions, updates
from shared.clock import FakeClock
from shared.events.matching import (
    PlacementRequestCancelled,
    PlacementRequestExpired,
    PlacementRequestStatusChanged,
)
from shared.rules import REQUEST_EXPIRY_DAYS


def test_the_first_e_mail_contacts_a_request_and_counts_one_contact():
    uow = FakeMatchingUnitOfWork()
    request = uow.requests.add(1, 7)
    updates.contact_made(uow, "email_sent", 7, [request], START, START)
    updates.contact_made(uow, "email_sent", 7, [request], START + timedelta(days=7), START)
    row = uow.requests.rows[request]
    assert (row["status"], row["contacted_at"]) == ("contacted", START)
    assert uow.therapists.contacted[7] == 1
    assert len(uow.events.of(PlacementRequestStatusChanged)) == 1


def test_a_call_scheduled_after_contact_is_a_follow_up_with_its_time():
    uow = FakeMatchingUnitOfWork()
    request = uow.requests.add(1, 7, "contacted", contacted_at=START)
    at = START + timedelta(days=2)
    updates.contact_made(uow, "call_scheduled", 7, [request], at, START)
    row = uow.requests.rows[request]
    assert (row["status"], row["follow_up_at"]) == ("follow_up_scheduled", at)


def test_contact_for_another_therapists_request_changes_nothing():
    uow = FakeMatchingUnitOfWork()
    request = uow.requests.add(1, 8)
    updates.contact_made(uow, "email_sent", 7, [request], START, START)
    assert uow.requests.status_of(request) == "proposed" and uow.events.recorded == []


@pytest.mark.parametrize(
    ("days_after_contact", "expired"),
    [
        (REQUEST_EXPIRY_DAYS - 1, False),
        (REQUEST_EXPIRY_DAYS, True),
        (REQUEST_EXPIRY_DAYS + 3, True),
    ],
)
def test_an_unanswered_request_expires_after_the_expiry_days(days_after_contact, expired):
    clock = FakeClock(START)
    uow = FakeMatchingUnitOfWork()
    uow.patients.add(1)
    request = uow.requests.add(1, 7, "contacted", contacted_at=clock.now())
    clock.advance(days=days_after_contact)
    patients = transitions.expire_due(uow, clock.now(), REQUEST_EXPIRY_DAYS)
    assert uow.requests.status_of(request) == ("expired" if expired else "contacted")
    assert patients == ([1] if expired else [])
    assert len(uow.events.of(PlacementRequestExpired)) == int(expired)


def test_an_unavailable_therapist_cancels_waiting_requests_and_flags_contacted_ones():
    uow = FakeMatchingUnitOfWork()
    waiting = uow.requests.add(1, 7, "proposed")
    contacted = uow.requests.add(2, 7, "contacted", contacted_at=START)
    affected = transitions.therapist_unavailable(uow, 7, "therapist_blocked", START)
    assert affected == [1]
    assert uow.requests.status_of(waiting) == "cancelled"
    assert uow.requests.status_of(contacted) == "contacted"
    assert uow.requests.rows[contacted]["therapist_unavailable"] is True
    [cancelled] = uow.events.of(PlacementRequestCancelled)
    assert cancelled.reason == "therapist_blocked"


def test_staff_cancel_an_open_request_in_one_commit():
    uow = FakeMatchingUnitOfWork()
    uow.patients.add(1)
    request = uow.requests.add(1, 7, "contacted")
    body = requests.cancel_request(uow, FILL, request, START)
    assert body == {"id": request, "status": "cancelled"}
    assert uow.requests.rows[request]["close_reason"] == "staff"
    assert uow.commits == 1 and len(uow.events.of(PlacementRequestCancelled)) == 1


def test_staff_cannot_cancel_a_closed_or_unknown_request():
    uow = FakeMatchingUnitOfWork()
    closed = uow.requests.add(1, 7, "accepted")
    with pytest.raises(RequestClosed) as refused:
        requests.cancel_request(uow, FILL, closed, START)
    assert refused.value.status == 409 and refused.value.code == "request_closed"
    with pytest.raises(RequestNotFound) as unknown:
        requests.cancel_request(uow, FILL, 99, START)
    assert unknown.value.status == 404
    assert uow.commits == 0 and uow.events.recorded == []


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("paused", "patient_paused"),
        ("cancelled", "patient_cancelled"),
        ("placed", "patient_placed"),
    ],
)
def test_a_patient_who_stops_searching_has_the_open_requests_cancelled(status, reason):
    uow = FakeMatchingUnitOfWork()
    uow.patients.add(1, status)
    open_request = uow.requests.add(1, 7, "contacted")
    closed_request = uow.requests.add(1, 8, "rejected")
    reactions.after_patient_change(uow, FILL, 1, "patient.updated", START)
    assert uow.requests.status_of(open_request) == "cancelled"
    assert uow.requests.rows[open_request]["close_reason"] == reason
    assert uow.requests.status_of(closed_request) == "rejected"


def test_the_expiry_job_has_a_unit_of_work_per_batch_until_none_is_due():
    uow = FakeMatchingUnitOfWork()
    uow.patients.add(1)
    uow.patients.add(2)
    uow.requests.add(1, 7, "contacted", contacted_at=START)
    uow.requests.add(2, 7, "contacted", contacted_at=START)

    class Context:
        rules = FILL.rules
        therapists = None
        settings = type("S", (), {"choosing_helpers": 0})()

        def unit_of_work(self):
            return uow

    later = START + timedelta(days=REQUEST_EXPIRY_DAYS)
    assert rounds.expire_requests(Context(), later) == {"patients_refilled": 2}
    assert uow.commits == 2  # the batch that expired two, then the empty one
