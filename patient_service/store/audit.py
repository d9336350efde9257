"""The service's own audit trail (`audit_entries`), read page by page for the export."""

from __future__ import annotations

from sqlalchemy.orm import Session

from patient_service.domain.patients import Row
from patient_service.models import audit_entries
from shared.audit import RecordRef, find_entries

AUDIT_PAGE = 100


class AuditTrail:
    """Who read or changed a record through this service's API, on one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def entries_about(self, record: RecordRef) -> list[Row]:
        """Every entry naming `record`, newest first."""
        entries: list[Row] = []
        while True:
            page, total = find_entries(
                self._session, audit_entries, None, record, len(entries), AUDIT_PAGE
            )
            entries.extend(page)
            if not page or len(entries) >= total:
                return entries
