"""Erasure (Art. 17): the patient's requests are withdrawn, e-mails scrubbed or redacted, notes
of calls and answers dropped; communication.patient_erased reports the counts.

E-mails to the patient keep their row (counts, states, times) with every personal value
replaced; e-mails already composed for therapists keep only the pseudonymous references of the
requests they carried.
"""

from __future__ import annotations

from datetime import datetime

from communication_service.domain.erasure import REASON, redaction_note
from communication_service.domain.requests import RequestState
from communication_service.services.withdrawals import withdraw
from communication_service.store import events
from communication_service.store.unit_of_work import CommunicationUnitOfWork
from shared.clock import Clock


def erase_patient(uow: CommunicationUnitOfWork, clock: Clock, patient_id: int) -> dict[str, int]:
    """Withdraw, scrub and redact; returns the counts reported in communication.patient_erased."""
    with uow:
        now = clock.now()
        open_ids = uow.requests.open_ids_of_patient(patient_id)
        withdraw(uow, open_ids, RequestState.CANCELLED, REASON, now)
        request_ids = uow.requests.ids_of_patient(patient_id)
        response_ids = uow.erasure.response_ids(patient_id)
        call_ids = uow.erasure.call_ids(request_ids)
        counts = {
            "requests_withdrawn": len(open_ids),
            "requests_anonymised": uow.erasure.anonymise_requests(patient_id),
            "patient_emails_scrubbed": uow.erasure.scrub_patient_emails(patient_id, now),
            "therapist_emails_redacted": _redact_therapist_emails(uow, request_ids, now),
            "call_notes_deleted": uow.erasure.drop_call_notes(call_ids),
            "answer_notes_deleted": uow.erasure.drop_answer_notes(response_ids),
            "stored_responses_deleted": uow.erasure.delete_stored_responses(response_ids, call_ids),
        }
        uow.events.add(events.patient_erased(patient_id, now, counts), now)
        uow.commit()
    return counts


def _redact_therapist_emails(
    uow: CommunicationUnitOfWork, request_ids: list[int], now: datetime
) -> int:
    """Composed therapist e-mails that carried the patient keep only the references."""
    email_ids = uow.erasure.composed_emails_carrying(request_ids)
    for email_id in email_ids:
        uow.erasure.redact_email(email_id, redaction_note(uow.emails.carried_ids(email_id)), now)
    return len(email_ids)
