"""Communication's part of the staff attention list (stored items: answers held for staff,
e-mails failed for good), and the open contacts of some patients for the consistency check."""

from __future__ import annotations

from typing import Any

from communication_service.context import CommunicationContext
from shared.vocabulary import ATTENTION_MESSAGES, AttentionReason


def list_attention(
    ctx: CommunicationContext, offset: int, limit: int, reason: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Open items, oldest first, with their German message, and the total."""
    with ctx.unit_of_work() as uow:
        rows, total = uow.attention.open_page(offset, limit, reason)
    return [_item(row) for row in rows], total


def _item(row: dict[str, Any]) -> dict[str, Any]:
    reason = AttentionReason(row["reason"])
    return {
        "reason": reason.value,
        "patient_id": row["patient_id"],
        "therapist_id": row["therapist_id"],
        "placement_request_id": row["placement_request_id"],
        "email_id": row["email_id"],
        "since": row["created_at"].isoformat(),
        "message": ATTENTION_MESSAGES[reason].format(days=None),
        "details": {"item_id": row["id"], "response_id": row["response_id"]},
    }


def open_contacts(ctx: CommunicationContext, patient_ids: list[int]) -> list[dict[str, Any]]:
    """Per patient communication knows: the status it knows, open requests, unsent e-mails
    and scheduled calls."""
    with ctx.unit_of_work() as uow:
        return uow.attention.open_contacts(patient_ids)
