"""The live crawl's coverage, the run status it earns, and the live import's stop switch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .runs import RunStatus


@dataclass
class Coverage:
    """How completely a crawl covered its area (only a complete crawl is a full run)."""

    tiles: int = 0
    answered: int = 0
    subdivided: int = 0
    capped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    stopped: bool = False
    budget_exhausted: bool = False

    @property
    def complete(self) -> bool:
        return not (self.capped or self.failed or self.stopped or self.budget_exhausted)


def run_status_of(coverage: Coverage) -> RunStatus:
    """Stopped by the switch; failed when no tile answered; else succeeded (maybe partial)."""
    if coverage.stopped:
        return RunStatus.STOPPED
    return RunStatus.SUCCEEDED if coverage.answered else RunStatus.FAILED


def coverage_details(coverage: Coverage, requests: int, retries: int) -> dict[str, Any]:
    """What a crawl covered and what it cost, for the run's details."""
    return {
        "tiles": coverage.tiles,
        "answered": coverage.answered,
        "subdivided": coverage.subdivided,
        "capped": coverage.capped,
        "failed": coverage.failed,
        "requests": requests,
        "retries": retries,
        "stopped": coverage.stopped,
        "budget_exhausted": coverage.budget_exhausted,
    }


@dataclass(frozen=True)
class Switch:
    """A named on/off switch an admin set (the live import's stop switch)."""

    name: str
    enabled: bool
    reason: str | None
    changed_by: str | None
    changed_at: datetime


@dataclass(frozen=True)
class LiveStatus:
    """Whether the live import is enabled and stopped (by the setting or the switch)."""

    enabled: bool
    stopped_by_setting: bool
    switch: Switch | None
    areas: list[str]

    @property
    def stopped(self) -> bool:
        return self.stopped_by_setting or bool(self.switch and self.switch.enabled)
