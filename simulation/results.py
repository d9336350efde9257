"""Results every strategy reports in the same shape, and the pure figures computed from them.

Days are day numbers from the scenario's start. A "message" is a contact a practice received:
an outreach e-mail, a reminder, or a call that got through.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

WINDOW_DAYS = 28  # "per 4 weeks"


# The strategies' names (the report's rows and the targets find them by these).
SYSTEM = "psymatch"
FIFO_NEAREST = "FIFO-nearest"
# the system with the alternative cooling rule (COOLING_AFTER=not_after_acceptance)
SYSTEM_WARM = "psymatch, no cooling after acceptance"
PATIENTS_ALONE = "patients alone"
UPPER_BOUND = "upper bound"


@dataclass(frozen=True)
class PatientOutcome:
    """One patient's search under one strategy: `placed_day` None = not placed in the horizon;
    `emails` / `calls`: contacts made about this patient (an e-mail naming five patients counts
    for each of them)."""

    patient: int
    arrival_day: int
    urgent: bool
    placed_day: int | None = None
    emails: int = 0
    calls: int = 0

    @property
    def days_to_placement(self) -> int | None:
        return None if self.placed_day is None else self.placed_day - self.arrival_day


@dataclass(frozen=True)
class StrategyResult:
    """What one strategy achieved over the horizon.

    `practice_messages`: practice index → the days it received a message; `staff_calls`:
    working day → calls staff made that day (empty when nobody on staff calls)."""

    name: str
    horizon_days: int
    patients: tuple[PatientOutcome, ...]
    practice_messages: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    staff_calls: Mapping[int, int] = field(default_factory=dict)
    # acceptances given while the patient was not searching (paused, cancelled): the system
    # holds them for staff (docs/domain.md step 7); they are not to lead to a placement
    held_acceptances: int = 0

    @property
    def placed(self) -> int:
        return sum(1 for p in self.patients if p.placed_day is not None)


@dataclass(frozen=True)
class Spread:
    """Median, 90th percentile and maximum of a list of values (None when empty), and their
    count."""

    count: int
    median: float | None
    p90: float | None
    max: float | None = None


@dataclass(frozen=True)
class Contacts:
    """Contacts per placement (None without a placement)."""

    emails: float | None
    calls: float | None
    total: float | None


@dataclass(frozen=True)
class Load:
    """Messages one practice received within any 4 weeks: the worst practice and the 95th
    percentile over the practices that received any."""

    max: int
    p95: float | None
    practices: int


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def spread(values: Iterable[float]) -> Spread:
    found = list(values)
    median = float(statistics.median(found)) if found else None
    return Spread(len(found), median, percentile(found, 90), max(found) if found else None)


def share_placed_by_week(result: StrategyResult, weeks: int | None = None) -> list[float]:
    """Share of all patients placed by the end of week 1, 2, … (cumulative)."""
    weeks = weeks if weeks is not None else math.ceil(result.horizon_days / 7)
    total = len(result.patients)
    if total == 0:
        return [0.0] * weeks
    days = [p.placed_day for p in result.patients if p.placed_day is not None]
    return [sum(1 for d in days if d < 7 * (w + 1)) / total for w in range(weeks)]


def days_to_placement(result: StrategyResult, urgent: bool | None = None) -> Spread:
    """Days from arrival to placement of the placed patients (urgent only, others only, or
    all when `urgent` is None)."""
    return spread(
        p.days_to_placement
        for p in result.patients
        if p.days_to_placement is not None and (urgent is None or p.urgent is urgent)
    )


def contacts_per_placement(result: StrategyResult) -> Contacts:
    """E-mails and calls about patients divided by placements."""
    placed = result.placed
    if placed == 0:
        return Contacts(None, None, None)
    emails = sum(p.emails for p in result.patients)
    calls = sum(p.calls for p in result.patients)
    return Contacts(emails / placed, calls / placed, (emails + calls) / placed)


def most_in_window(days: Iterable[int], window: int = WINDOW_DAYS) -> int:
    """The most messages inside any `window` consecutive days."""
    ordered, best, low = sorted(days), 0, 0
    for high, day in enumerate(ordered):
        while day - ordered[low] >= window:
            low += 1
        best = max(best, high - low + 1)
    return best


def messages_per_practice(result: StrategyResult) -> Load:
    """Messages per practice per 4 weeks (sliding window): max and p95."""
    counts = [most_in_window(days) for days in result.practice_messages.values() if days]
    return Load(max(counts, default=0), percentile(counts, 95), len(counts))


def staff_calls_per_working_day(result: StrategyResult, working_days: Sequence[int]) -> Spread:
    """Staff calls on each working day of the horizon (days without calls count as 0)."""
    return spread(result.staff_calls.get(day, 0) for day in working_days)
