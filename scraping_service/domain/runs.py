"""Import runs: their states, the run and rejected-record views, and the live stop switch name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class RunStatus(StrEnum):
    """queued → running → succeeded | failed | stopped."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STOPPED = "stopped"


FINISHED = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.STOPPED})
STOP_SWITCH = "live_import_stopped"
COUNTS = ("new", "changed", "unchanged", "disappeared", "rejected")


@dataclass(frozen=True)
class ImportRun:
    """One import run as stored: source, area, status, counts (`count_<name>`), times."""

    id: int
    source: str
    area: str | None
    full_run: bool
    status: str
    created_at: datetime
    requested_by: str | None = None
    file_name: str | None = None
    count_new: int = 0
    count_changed: int = 0
    count_unchanged: int = 0
    count_disappeared: int = 0
    count_rejected: int = 0
    count_duplicates: int = 0
    count_records: int = 0
    count_warnings: int = 0
    details: dict[str, Any] | None = None
    error: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def duration_s(self) -> float | None:
        """Seconds from start to finish; None until both are known."""
        if self.finished_at is None or self.started_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class RejectedRecord:
    """An item a run did not accept: where it was, why, and the item itself (maybe cut)."""

    external_id: str | None
    position: str
    reasons: list[str]
    item: dict[str, Any] | None
