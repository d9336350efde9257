"""What erasure (Art. 17) changes in the communication schema: summaries, the patient's own
e-mails, therapist e-mails that carried the patient, notes and replayable stored answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from communication_service.domain.emails import UNSENT, EmailState
from communication_service.domain.erasure import REDACTED, REDACTED_ADDRESS
from communication_service.models import (
    call_requests,
    calls,
    email_requests,
    emails,
    infrastructure,
    outreach_requests,
    response_outcomes,
    responses,
)

EMAILS = emails.c


class PatientErasure:
    """The erasure's statements, on one session; changes return how many rows they touched."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def response_ids(self, patient_id: int) -> list[int]:
        """Answers that carry an outcome about the patient."""
        outcomes = response_outcomes.c
        query = select(outcomes.response_id).where(outcomes.patient_id == patient_id).distinct()
        return list(self._session.execute(query).scalars())

    def call_ids(self, request_ids: list[int]) -> list[int]:
        """Calls that carried any of the requests."""
        if not request_ids:
            return []
        links = call_requests.c
        query = select(links.call_id).where(links.placement_request_id.in_(request_ids)).distinct()
        return list(self._session.execute(query).scalars())

    def anonymise_requests(self, patient_id: int) -> int:
        """The pseudonymous summary (age, gender, complaints, availability) goes too."""
        requests = outreach_requests.c
        result = self._session.execute(
            update(outreach_requests).where(requests.patient_id == patient_id).values(summary={})
        )
        return int(result.rowcount or 0)

    def scrub_patient_emails(self, patient_id: int, now: datetime) -> int:
        """Unsent ones are cancelled; every one loses address, subject, bodies and context."""
        mine = (EMAILS.recipient == "patient") & (EMAILS.patient_id == patient_id)
        self._session.execute(
            update(emails)
            .where(mine, EMAILS.state.in_([state.value for state in UNSENT]))
            .values(state=EmailState.CANCELLED.value, cancelled_at=now)
        )
        result = self._session.execute(
            update(emails)
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

    def composed_emails_carrying(self, request_ids: list[int]) -> list[int]:
        """Composed e-mails (to therapists) that carried any of the requests."""
        if not request_ids:
            return []
        links = email_requests.c
        carrying = select(links.email_id).where(links.placement_request_id.in_(request_ids))
        query = select(EMAILS.id).where(EMAILS.id.in_(carrying), EMAILS.body_text.is_not(None))
        return list(self._session.execute(query).scalars())

    def redact_email(self, email_id: int, text: str, now: datetime) -> None:
        """Both bodies of the e-mail become `text`."""
        self._session.execute(
            update(emails)
            .where(EMAILS.id == email_id)
            .values(body_text=text, body_html=f"<p>{text}</p>", updated_at=now)
        )

    def drop_call_notes(self, call_ids: list[int]) -> int:
        """Free-text notes of the calls go."""
        return _drop_notes(self._session, calls, call_ids)

    def drop_answer_notes(self, response_ids: list[int]) -> int:
        """Free-text notes of the answers go."""
        return _drop_notes(self._session, responses, response_ids)

    def delete_stored_responses(self, response_ids: list[int], call_ids: list[int]) -> int:
        """Replayable answers of retried writes that echo a note about the patient."""
        stored = infrastructure["idempotency_keys"]
        paths: list[Any] = [f"/api/phone-calls/{call_id}/outcome" for call_id in call_ids]
        conditions = [stored.c.path.in_(paths)] if paths else []
        if response_ids:
            ids = [str(response_id) for response_id in response_ids]
            conditions.append(
                (stored.c.path == "/api/responses")
                & stored.c.response["response_id"].astext.in_(ids)
            )
        deleted = 0
        for condition in conditions:
            deleted += int(self._session.execute(delete(stored).where(condition)).rowcount or 0)
        return deleted


def _drop_notes(session: Session, table: Table, ids: list[int]) -> int:
    if not ids:
        return 0
    result = session.execute(
        update(table).where(table.c.id.in_(ids), table.c.note.is_not(None)).values(note=None)
    )
    return int(result.rowcount or 0)
