"""The verdict on one source item (a record or the reasons it was rejected), and its hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from shared.events.scraping import TherapistRecord


@dataclass(frozen=True)
class Verdict:
    """Accepted (a record) or rejected (reasons); warnings name data that was dropped."""

    external_id: str | None
    record: TherapistRecord | None
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.record is not None


def record_hash(record: TherapistRecord) -> str:
    """A stable fingerprint of a record (sorted JSON, SHA-256)."""
    data = json.dumps(record.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()
