"""Import run states and the duplicate rule for records seen twice in one run."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """queued → running → succeeded | failed | stopped."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STOPPED = "stopped"


FINISHED = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.STOPPED})
STOP_SWITCH = "live_import_stopped"
