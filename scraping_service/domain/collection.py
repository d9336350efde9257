"""What one run collected: accepted records by id, duplicates, rejected items, the tallies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared.events.scraping import RunCounts, TherapistRecord

from .changes import ChangeSet, Seen
from .runs import RejectedRecord
from .verdicts import Verdict, record_hash

MAX_STORED_ITEM_CHARS = 20_000
TWICE_WITH_OTHER_DATA = "id: listed twice with different data (kept the first)"


@dataclass
class Collected:
    """Accepted records by id, rejected rows, and the run's tallies."""

    records: dict[str, TherapistRecord] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    rejected: list[RejectedRecord] = field(default_factory=list)
    rejected_ids: set[str] = field(default_factory=set)
    total: int = 0
    duplicates: int = 0
    warnings: int = 0

    def take(self, verdict: Verdict, position: str, item: Any) -> None:
        """Count one item: a new record, an identical duplicate, or a rejection."""
        self.total += 1
        self.warnings += len(verdict.warnings)
        if verdict.record is None:
            self._reject(verdict.external_id, position, list(verdict.reasons), item)
            return
        digest = record_hash(verdict.record)
        external_id = verdict.record.external_id
        if external_id not in self.records:
            self.records[external_id], self.hashes[external_id] = verdict.record, digest
        elif self.hashes[external_id] == digest:
            self.duplicates += 1  # overlapping tiles list the same practice twice
        else:
            self._reject(external_id, position, [TWICE_WITH_OTHER_DATA], item)

    def _reject(
        self, external_id: str | None, position: str, reasons: list[str], item: Any
    ) -> None:
        if external_id:
            self.rejected_ids.add(external_id)
        stored = (
            item
            if isinstance(item, dict) and len(str(item)) <= MAX_STORED_ITEM_CHARS
            else {"value": str(item)[:500]}
        )
        self.rejected.append(
            RejectedRecord((external_id or "")[:100] or None, position[:100], reasons, stored)
        )

    def seen(self) -> list[Seen]:
        """The accepted records as change-tracking input."""
        return [
            Seen(external_id, self.hashes[external_id], record.model_dump(mode="json"))
            for external_id, record in self.records.items()
        ]

    def present(self) -> set[str]:
        """Ids this run listed, accepted or not (a rejected sighting is not a miss)."""
        return set(self.records) | self.rejected_ids

    def only_rejected(self) -> set[str]:
        """Ids listed only with data that was rejected."""
        return self.rejected_ids - set(self.records)


def run_counts(changes: ChangeSet, collected: Collected) -> RunCounts:
    """Per-verdict numbers of a run."""
    return RunCounts(
        new=len(changes.new),
        changed=len(changes.changed),
        unchanged=len(changes.unchanged),
        disappeared=len(changes.disappeared),
        rejected=len(collected.rejected),
    )


def count_columns(counts: RunCounts, collected: Collected) -> dict[str, int]:
    """Everything a finished run counts: verdicts, items read, duplicates, warnings."""
    return {
        **counts.model_dump(),
        "records": collected.total,
        "duplicates": collected.duplicates,
        "warnings": collected.warnings,
    }
