"""What stays of a patient's communication after erasure (Art. 17): placeholders, references."""

from __future__ import annotations

from communication_service.domain import labels

REASON = "patient_erased"
REDACTED = "[gelöscht]"
REDACTED_ADDRESS = "geloescht@invalid"


def redaction_note(request_ids: list[int]) -> str:
    """What stays of a therapist e-mail after erasure: the pseudonymous references."""
    references = ", ".join(labels.reference(request_id) for request_id in request_ids) or "keine"
    return f"Inhalt gelöscht (Art. 17 DSGVO). Referenzen: {references}"
