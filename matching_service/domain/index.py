"""The therapist index: located therapists as numpy columns sorted by a latitude/longitude grid.

The search over it (`domain.search`) is a conservative prefilter: every pair it drops
fails a hard criterion; every pair it keeps is checked again by the pure domain rules before it
becomes a request. Time-dependent parts (cooling, capacity freshness) are evaluated at search
time, so a long-lived index stays right as the clock moves; `update` changes one therapist in
place (or appends it to a small unsorted tail that every search scans), so a worker keeps it
current from events.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matching_service.domain.index_columns import KM_PER_DEG, Columns, cell_key, location_of
from matching_service.domain.profiles import MatchContext, TherapistProfile
from matching_service.domain.ranking import CAPACITY_NO, CAPACITY_UNKNOWN, CAPACITY_YES_FRESH

MAX_TAIL = 2000  # appended therapists scanned linearly; beyond this the index is rebuilt
__all__ = ["KM_PER_DEG", "Candidates", "TherapistIndex"]


@dataclass
class Candidates:
    """Therapists passing every vectorised criterion (positions in the index) with their
    distance and approximate total score (exact up to float rounding)."""

    positions: np.ndarray
    distances: np.ndarray
    totals: np.ndarray

    def __len__(self) -> int:
        return len(self.positions)


class TherapistIndex(Columns):
    """Located therapists sorted by grid cell (plus an unsorted tail), one array per criterion."""

    def __init__(self, therapists: list[TherapistProfile]) -> None:
        super().__init__()
        located = [t for t in therapists if t.latitude is not None and t.longitude is not None]
        located.sort(key=lambda therapist: cell_key(*location_of(therapist)))
        self.build(located)

    def update(self, therapist: TherapistProfile) -> None:
        """Apply one therapist's new state (in place, or appended to the tail)."""
        pos = self.positions.get(therapist.therapist_id)
        located = therapist.latitude is not None and therapist.longitude is not None
        same_cell = (
            located
            and pos is not None
            and (pos >= self.sorted_n or cell_key(*location_of(therapist)) == int(self.keys[pos]))
        )
        if pos is not None and (same_cell or not located):
            self.set_row(pos, therapist if located else None)
            return
        if pos is not None:
            self.set_row(pos, None)
        if located:
            self.append(therapist)
        if len(self) - self.sorted_n > MAX_TAIL:
            self.__init__(self.live())  # type: ignore[misc]

    def static_scores(self, ctx: MatchContext) -> np.ndarray:
        """Capacity and response-rate parts of every row's total on ctx's day (cached)."""
        w, fresh_days = ctx.rules.weights, ctx.rules.capacity_fresh_days
        key = (ctx.now.date().toordinal(), fresh_days, w.capacity, w.response_rate)
        cached = self.derived.get("static_scores")
        if cached is None or cached[0] != key:
            fresh = key[0] - self.capacity_day <= fresh_days
            capacity = np.where(
                self.capacity_no & fresh,
                CAPACITY_NO,
                np.where(self.capacity_yes & fresh, CAPACITY_YES_FRESH, CAPACITY_UNKNOWN),
            )
            scores = w.capacity * capacity + w.response_rate * self.response_rate
            cached = self.derived["static_scores"] = (key, scores)
        return cached[1]  # type: ignore[no-any-return]
