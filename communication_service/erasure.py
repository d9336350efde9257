"""patient.erased in communication: withdraw, scrub e-mails, calls and answers, report back.

E-mails to the patient keep their row (counts, states, times) with every personal value
replaced; e-mails already composed for therapists keep only the pseudonymous references of the
requests they carried; free-text notes of calls and answers about the patient are dropped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from communication_service import labels, readmodels, withdrawals
from communication_service import models as m
from communication_service.context import CommunicationContext
from communication_service.domain import UNSENT, EmailState, RequestState
from shared.events.communication import CommunicationPatientErased
from shared.events.envelope import Envelope
from shared.events.patient import PatientErased

REASON = "patient_erased"
REDACTED = "[gelöscht]"
REDACTED_ADDRESS = "geloescht@invalid"


def erase_patient(
    ctx: CommunicationContext, session: Session, envelope: Envelope, event: PatientErased
) -> None:
    """Inside the consumer's transaction; emits communication.patient_erased with counts."""
    now, patient_id = ctx.clock.now(), event.patient_id
    open_ids = readmodels.open_request_ids(session, patient_id)
    withdrawals.withdraw(session, open_ids, RequestState.CANCELLED, REASON, now)
    request_ids = _request_ids(session, patient_id)
    response_ids = _response_ids(session, patient_id)
    call_ids = _call_ids(session, request_ids)
    counts = {
        "requests_withdrawn": len(open_ids),
        "requests_anonymised": _anonymise_requests(session, patient_id),
        "patient_emails_scrubbed": _scrub_patient_emails(session, patient_id, now),
        "therapist_emails_redacted": _redact_therapist_emails(session, request_ids, now),
        "call_notes_deleted": _drop_notes(session, m.calls, call_ids),
        "answer_notes_deleted": _drop_notes(session, m.responses, response_ids),
        "stored_responses_deleted": _delete_stored_responses(
            session, ctx.tables["idempotency_keys"], response_ids, call_ids
        ),
    }
    done = CommunicationPatientErased(patient_id=patient_id, completed_at=now, counts=counts)
    ctx.outbox.add(session, done, occurred_at=now, correlation_id=envelope.correlation_id)


def _request_ids(session: Session, patient_id: int) -> list[int]:
    r = m.outreach_requests
    query = select(r.c.placement_request_id).where(r.c.patient_id == patient_id)
    return list(session.execute(query).scalars())


def _response_ids(session: Session, patient_id: int) -> list[int]:
    o = m.response_outcomes
    query = select(o.c.response_id).where(o.c.patient_id == patient_id).distinct()
    return list(session.execute(query).scalars())


def _call_ids(session: Session, request_ids: list[int]) -> list[int]:
    cr = m.call_requests
    query = select(cr.c.call_id).where(cr.c.placement_request_id.in_(request_ids)).distinct()
    return list(session.execute(query).scalars()) if request_ids else []


def _anonymise_requests(session: Session, patient_id: int) -> int:
    """The pseudonymous summary (age, gender, complaints, availability) goes too."""
    r = m.outreach_requests
    result = session.execute(update(r).where(r.c.patient_id == patient_id).values(summary={}))
    return int(result.rowcount or 0)


def _scrub_patient_emails(session: Session, patient_id: int, now: datetime) -> int:
    """Unsent ones are cancelled; every one loses address, subject, bodies and context."""
    e = m.emails
    mine = (e.c.recipient == "patient") & (e.c.patient_id == patient_id)
    session.execute(
        update(e)
        .where(mine, e.c.state.in_([s.value for s in UNSENT]))
        .values(state=EmailState.CANCELLED.value, cancelled_at=now)
    )
    result = session.execute(
        update(e)
        .where(mine)
        .values(
            to_address=REDACTED_ADDRESS,
            subject=REDACTED,
            body_text=REDACTED,
            body_html=f"<p>{REDACTED}</p>",
            context={},
            last_error=None,
            updated_at=now,
        )
    )
    return int(result.rowcount or 0)


def _redact_therapist_emails(session: Session, request_ids: list[int], now: datetime) -> int:
    """Composed therapist e-mails that carried the patient keep only the references."""
    if not request_ids:
        return 0
    e, er = m.emails, m.email_requests
    carrying = select(er.c.email_id).where(er.c.placement_request_id.in_(request_ids))
    rows = session.execute(
        select(e.c.id).where(e.c.id.in_(carrying), e.c.body_text.is_not(None))
    ).scalars()
    count = 0
    for email_id in list(rows):
        text = redaction_note(withdrawals.carried_ids(session, email_id))
        session.execute(
            update(e)
            .where(e.c.id == email_id)
            .values(body_text=text, body_html=f"<p>{text}</p>", updated_at=now)
        )
        count += 1
    return count


def redaction_note(request_ids: list[int]) -> str:
    """What stays of a therapist e-mail after erasure: the pseudonymous references."""
    references = ", ".join(labels.reference(i) for i in request_ids) or "keine"
    return f"Inhalt gelöscht (Art. 17 DSGVO). Referenzen: {references}"


def _drop_notes(session: Session, table: Table, ids: list[int]) -> int:
    if not ids:
        return 0
    result = session.execute(
        update(table).where(table.c.id.in_(ids), table.c.note.is_not(None)).values(note=None)
    )
    return int(result.rowcount or 0)


def _delete_stored_responses(
    session: Session, idempotency: Table, response_ids: list[int], call_ids: list[int]
) -> int:
    """Replayable answers of retried writes that echo a note about the patient."""
    t = idempotency
    paths: list[Any] = [f"/api/phone-calls/{call_id}/outcome" for call_id in call_ids]
    conditions = [t.c.path.in_(paths)] if paths else []
    if response_ids:
        ids = [str(i) for i in response_ids]
        conditions.append(
            (t.c.path == "/api/responses") & t.c.response["response_id"].astext.in_(ids)
        )
    deleted = 0
    for condition in conditions:
        deleted += int(session.execute(delete(t).where(condition)).rowcount or 0)
    return deleted
