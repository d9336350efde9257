"""What communication holds about one patient, for the GDPR export (Art. 15/20)."""

from __future__ import annotations

from typing import Any

from communication_service.context import CommunicationContext


def patient_communications(ctx: CommunicationContext, patient_id: int) -> dict[str, Any]:
    """Requests, e-mails, calls and answers about the patient (empty lists when none)."""
    with ctx.unit_of_work() as uow:
        return uow.patient_records.of_patient(patient_id)
