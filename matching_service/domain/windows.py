"""Weekly windows: hashable window sets with a memoised overlap (for the per-pair rules), and
minute bitmaps, so that the index's availability overlap is one vectorised AND + popcount.

A week has 7 × 1440 minutes; one bit per minute. For validated windows (sorted, no overlaps
within a day) the popcount of the AND equals `shared.weekly_windows.overlap_minutes` exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from shared.weekly_windows import MINUTES_PER_DAY, WEEKDAYS, overlap_minutes, parse

WORDS = (len(WEEKDAYS) * MINUTES_PER_DAY + 63) // 64  # 158 uint64 words per window set


class FrozenWindows(dict[str, tuple[str, ...]]):
    """Weekly windows that can be a cache key."""

    def __hash__(self) -> int:  # type: ignore[override]
        found: int | None = self.__dict__.get("_hash")
        if found is None:  # computed once: the overlap cache hashes the same sets very often
            found = self.__dict__["_hash"] = hash(tuple(self.items()))
        return found


def freeze_windows(raw: Mapping[str, Sequence[str]] | None) -> FrozenWindows:
    """Canonical, hashable weekly windows (the events already normalised them)."""
    return FrozenWindows({day: tuple(ranges) for day, ranges in (raw or {}).items() if ranges})


@lru_cache(maxsize=262_144)
def cached_overlap(a: FrozenWindows, b: FrozenWindows) -> int:
    """shared.weekly_windows.overlap_minutes, memoised (window sets repeat a lot)."""
    return overlap_minutes(a, b)


def window_key(windows: Mapping[str, Sequence[str]]) -> tuple[Any, ...]:
    """A hashable key of a window set (empty days ignored)."""
    return tuple(sorted((day, tuple(ranges)) for day, ranges in windows.items() if ranges))


def bitmap(windows: Mapping[str, Sequence[str]]) -> np.ndarray:
    """The minutes of the week covered by these windows, packed into WORDS uint64 words."""
    minutes = np.zeros(WORDS * 64, dtype=bool)
    for day, intervals in parse(dict(windows)).items():
        base = WEEKDAYS.index(day) * MINUTES_PER_DAY
        for start, end in intervals:
            minutes[base + start : base + end] = True
    return np.packbits(minutes).view(np.uint64)


class WindowSets:
    """Distinct window sets, numbered from 1 (0 = no windows), with their bitmaps."""

    def __init__(self) -> None:
        self.ids: dict[tuple[Any, ...], int] = {(): 0}
        self.bits = np.zeros((1, WORDS), dtype=np.uint64)
        self._pending: list[np.ndarray] = []

    def id_of(self, windows: Mapping[str, Sequence[str]]) -> int:
        """The number of this window set (registered on first sight)."""
        if not windows:
            return 0
        key = window_key(windows) or ("blank",)  # days without ranges: overlap 0, not "none"
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = len(self.ids)
            self._pending.append(bitmap(windows))
        return found

    def pair_overlaps(
        self, patient_bits: np.ndarray, patients: np.ndarray, set_ids: np.ndarray
    ) -> np.ndarray:
        """Weekly overlap minutes of each pair (row of `patient_bits`, window set), computed
        once per distinct pair."""
        if self._pending:
            self.bits = np.vstack([self.bits, *self._pending])
            self._pending = []
        width = len(self.bits)
        distinct, inverse = np.unique(patients * width + set_ids, return_inverse=True)
        both = patient_bits[distinct // width] & self.bits[distinct % width]
        return np.bitwise_count(both).sum(axis=1, dtype=np.int64)[inverse]
