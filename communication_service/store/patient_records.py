"""Everything communication holds about one patient, for the GDPR export (Art. 15/20)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from communication_service.models import (
    call_requests,
    calls,
    email_requests,
    emails,
    outreach_requests,
    response_outcomes,
    responses,
)

Row = dict[str, Any]


class PatientRecords:
    """The export's reads, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def of_patient(self, patient_id: int) -> Row:
        """Requests, e-mails (to the patient or carrying its requests), calls and answers."""
        request_ids = [row["placement_request_id"] for row in self._requests(patient_id)]
        return {
            "patient_id": patient_id,
            "requests": self._requests(patient_id),
            "emails": self._emails(patient_id, request_ids),
            "calls": self._calls(request_ids),
            "answers": self._answers(patient_id),
        }

    def _rows(self, query: Any) -> list[Row]:
        return [dict(row) for row in self._session.execute(query).mappings()]

    def _requests(self, patient_id: int) -> list[Row]:
        requests = outreach_requests.c
        query = select(outreach_requests).where(requests.patient_id == patient_id)
        return self._rows(query.order_by(requests.created_at))

    def _emails(self, patient_id: int, request_ids: list[int]) -> list[Row]:
        links, mail = email_requests.c, emails.c
        carrying = select(links.email_id).where(links.placement_request_id.in_(request_ids))
        query = select(emails).where(
            ((mail.recipient == "patient") & (mail.patient_id == patient_id))
            | mail.id.in_(carrying)
        )
        found = self._rows(query.order_by(mail.id))
        for email in found:
            email["placement_request_ids"] = self._carried(email_requests, "email_id", email["id"])
        return found

    def _carried(self, link: Table, column: str, owner: int) -> list[int]:
        query = select(link.c.placement_request_id).where(link.c[column] == owner)
        return list(self._session.execute(query.order_by(link.c.position)).scalars())

    def _calls(self, request_ids: list[int]) -> list[Row]:
        links = call_requests.c
        carrying = select(links.call_id).where(links.placement_request_id.in_(request_ids))
        found = self._rows(select(calls).where(calls.c.id.in_(carrying)).order_by(calls.c.id))
        for call in found:
            call["placement_request_ids"] = self._carried(call_requests, "call_id", call["id"])
        return found

    def _answers(self, patient_id: int) -> list[Row]:
        outcomes = response_outcomes.c
        query = (
            select(responses, outcomes.placement_request_id, outcomes.outcome)
            .join(response_outcomes, outcomes.response_id == responses.c.id)
            .where(outcomes.patient_id == patient_id)
            .order_by(responses.c.id)
        )
        return self._rows(query)
