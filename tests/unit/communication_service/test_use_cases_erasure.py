"""Erasure (Art. 17) on in-memory fakes: withdrawals, scrubbed and redacted e-mails, dropped
notes and stored answers, and the counts in communication.patient_erased."""

from __future__ import annotations

from datetime import timedelta

from unit.communication_service.fakes import START, FakeCommunicationUnitOfWork

from communication_service.domain.calls import CallPurpose
from communication_service.domain.erasure import REDACTED, REDACTED_ADDRESS
from communication_service.domain.follow_ups import CallAction, CallPlan
from communication_service.domain.requests import RequestState
from communication_service.domain.responses import ResponseInput
from communication_service.services.erasure import erase_patient
from communication_service.services.outreach import add_to_email
from shared.clock import FakeClock
from shared.events.communication import CommunicationPatientErased

PATIENT, OTHER = 1, 2


def seeded() -> tuple[FakeCommunicationUnitOfWork, dict[str, int]]:
    """Patient 1 in a draft (with patient 2), a sent e-mail, a call, an answer, own e-mails."""
    uow = FakeCommunicationUnitOfWork()
    uow.add_therapist(7)
    uow.add_therapist(8)
    uow.add_request(100, 7, PATIENT)
    uow.add_request(200, 7, OTHER)
    uow.add_request(101, 8, PATIENT)
    uow.add_request(201, 8, OTHER)
    uow.add_request(102, 8, PATIENT, state=RequestState.CLOSED)
    draft = uow.emails.create("outreach", "therapist_batch_inquiry", START, therapist_id=7)
    add_to_email(uow, draft, [100, 200], START)
    sent = uow.add_sent_email(8, [101, 201], START)
    plan = CallPlan(CallAction.SCHEDULE, 1, START + timedelta(days=7))
    call = uow.calls.insert(8, CallPurpose.FOLLOW_UP, plan, START, sent)
    uow.calls.add_requests(call, [101])
    made = uow.calls.insert(8, CallPurpose.FIRST_CONTACT, plan, START - timedelta(days=30), None)
    uow.calls.add_requests(made, [102])
    uow.tables.calls[made].update(state="completed", note="Patientin hat Angst vor Gruppen")
    answer = uow.responses.insert(_answer(), START)
    uow.tables.outcomes.append(
        {"response_id": answer, "placement_request_id": 102, "patient_id": PATIENT}
    )
    welcome = uow.emails.create("patient", "patient_search_started", START, patient_id=PATIENT)
    uow.tables.emails[welcome].update(state="queued", to_address="erika@example.org")
    uow.tables.stored_responses += [
        {"path": f"/api/phone-calls/{made}/outcome", "response": {}},
        {"path": "/api/responses", "response": {"response_id": answer}},
        {"path": "/api/responses", "response": {"response_id": answer + 1000}},
    ]
    return uow, {
        "draft": draft,
        "sent": sent,
        "call": call,
        "made": made,
        "answer": answer,
        "welcome": welcome,
    }


def _answer() -> ResponseInput:
    return ResponseInput(8, "phone", [(102, "accepted")], "Frau M. wirkte belastet", "staff-1")


def test_the_patients_open_requests_are_withdrawn_and_leave_the_unsent_draft():
    uow, ids = seeded()
    erase_patient(uow, FakeClock(START), PATIENT)
    requests = uow.tables.requests
    assert [requests[i]["state"] for i in (100, 101)] == ["cancelled", "cancelled"]
    assert requests[100]["close_reason"] == "patient_erased"
    assert requests[102]["close_reason"] is None  # already closed: left as it was
    assert uow.emails.carried_ids(ids["draft"]) == [200]
    assert requests[200]["state"] == RequestState.IN_EMAIL.value
    call = uow.tables.calls[ids["call"]]
    assert (call["state"], call["closed_reason"]) == ("cancelled", "all requests withdrawn")


def test_the_patients_own_emails_are_scrubbed_and_unsent_ones_cancelled():
    uow, ids = seeded()
    erase_patient(uow, FakeClock(START), PATIENT)
    welcome = uow.tables.emails[ids["welcome"]]
    assert welcome["state"] == "cancelled"
    assert (welcome["to_address"], welcome["subject"]) == (REDACTED_ADDRESS, REDACTED)
    assert all(
        row["summary"] == {} for row in uow.tables.requests.values() if row["patient_id"] == 1
    )
    assert uow.tables.requests[200]["summary"] == {"age": 34}


def test_a_composed_therapist_email_keeps_only_the_references_of_its_requests():
    uow, ids = seeded()
    erase_patient(uow, FakeClock(START), PATIENT)
    sent = uow.tables.emails[ids["sent"]]
    assert sent["body_text"] == "Inhalt gelöscht (Art. 17 DSGVO). Referenzen: PR-101, PR-201"
    assert sent["body_html"] == f"<p>{sent['body_text']}</p>" and sent["state"] == "sent"


def test_notes_and_replayable_stored_answers_about_the_patient_go():
    uow, ids = seeded()
    erase_patient(uow, FakeClock(START), PATIENT)
    assert uow.tables.calls[ids["made"]]["note"] is None
    assert uow.tables.responses[ids["answer"]]["note"] is None
    assert uow.tables.stored_responses == [
        {"path": "/api/responses", "response": {"response_id": ids["answer"] + 1000}}
    ]


def test_communication_patient_erased_reports_every_count_in_one_commit():
    uow, _ = seeded()
    clock = FakeClock(START + timedelta(days=3))
    counts = erase_patient(uow, clock, PATIENT)
    assert counts == {
        "requests_withdrawn": 2,
        "requests_anonymised": 3,
        "patient_emails_scrubbed": 1,
        "therapist_emails_redacted": 1,
        "call_notes_deleted": 1,
        "answer_notes_deleted": 1,
        "stored_responses_deleted": 2,
    }
    [(event, occurred_at)] = uow.events.recorded
    assert isinstance(event, CommunicationPatientErased)
    assert (event.patient_id, event.counts, event.completed_at) == (PATIENT, counts, clock.now())
    assert occurred_at == clock.now() and uow.commits == 1


def test_erasing_a_patient_communication_never_saw_reports_zeros():
    uow = FakeCommunicationUnitOfWork()
    counts = erase_patient(uow, FakeClock(START), 99)
    assert set(counts.values()) == {0}
    [event] = uow.events.of(CommunicationPatientErased)
    assert event.counts == counts and uow.commits == 1
