"""A patient's timeline: the audit log of changes and the log of consumed events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from patient_service.domain.patients import Row
from patient_service.models import audit_log, event_log
from shared.events.envelope import Envelope


class Timeline:
    """Audit entries and consumed events about patients, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add_audit(
        self, patient_id: int, at: datetime, actor: str, action: str, changes: dict[str, Any]
    ) -> None:
        """Who changed what about a patient, and when."""
        self._session.execute(
            insert(audit_log).values(
                patient_id=patient_id, at=at, actor=actor, action=action, changes=changes
            )
        )

    def log_event(self, patient_id: int, envelope: Envelope, summary: dict[str, Any]) -> None:
        """Remember a consumed event about a patient for the timeline."""
        self._session.execute(
            insert(event_log).values(
                patient_id=patient_id,
                event_id=envelope.event_id,
                event_type=envelope.event_type,
                occurred_at=envelope.occurred_at,
                producer=envelope.producer,
                summary=summary,
            )
        )

    def entries(self, patient_id: int) -> list[Row]:
        """Audit entries and consumed events of one patient, oldest first."""
        audits = self._session.execute(
            select(audit_log).where(audit_log.c.patient_id == patient_id).order_by(audit_log.c.id)
        ).mappings()
        events = self._session.execute(
            select(event_log).where(event_log.c.patient_id == patient_id).order_by(event_log.c.id)
        ).mappings()
        entries = [_audit_entry(audit) for audit in audits]
        entries += [_event_entry(event) for event in events]
        return sorted(entries, key=lambda entry: entry["at"])


def _audit_entry(audit: Any) -> Row:
    return {
        "kind": "audit",
        "at": audit["at"],
        "actor": audit["actor"],
        "action": audit["action"],
        "details": audit["changes"],
    }


def _event_entry(event: Any) -> Row:
    return {
        "kind": "event",
        "at": event["occurred_at"],
        "actor": event["producer"],
        "action": event["event_type"],
        "details": event["summary"],
    }
