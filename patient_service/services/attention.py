"""The staff attention list of the patient service, and acknowledging a crisis flag."""

from __future__ import annotations

from typing import Any

from patient_service.context import PatientContext
from patient_service.domain.errors import NoCrisis
from patient_service.domain.patients import Row
from patient_service.services.changes import locked_patient
from shared.vocabulary import ATTENTION_MESSAGES, AttentionReason


def list_attention(
    ctx: PatientContext, offset: int, limit: int, reason: str | None = None
) -> tuple[list[Any], int]:
    """Unacknowledged crisis flags and unrepaired drift (`status_mismatch`), oldest first."""
    with ctx.unit_of_work() as uow:
        rows, total = uow.attention.open_page(offset, limit, reason)
    return [_item(row) for row in rows], total


def _item(row: dict[str, Any]) -> dict[str, Any]:
    reason = AttentionReason(row["reason"])
    details = row["details"]
    message = ATTENTION_MESSAGES[reason]
    if details and details.get("problems"):
        message += " Befund: " + ", ".join(details["problems"]) + "."
    return {
        "reason": reason.value,
        "patient_id": row["patient_id"],
        "therapist_id": None,
        "placement_request_id": None,
        "email_id": None,
        "since": row["since"].isoformat(),
        "message": message,
        "details": details,
    }


def acknowledge_crisis(ctx: PatientContext, patient_id: int, actor: str) -> Row:
    """Staff saw the crisis flag (409 `no_crisis` without one); audited on the timeline."""
    with ctx.unit_of_work() as uow:
        now = ctx.clock.now()
        current = locked_patient(uow, patient_id)
        row = uow.patients.acknowledge_crisis(patient_id, actor, now)
        if row is None:
            raise NoCrisis(patient_id)
        if current["crisis_acknowledged_at"] is None:
            uow.timeline.add_audit(patient_id, now, actor, "crisis_acknowledged", {})
        uow.commit()
    return row
