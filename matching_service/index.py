"""Candidate search at scale: a latitude/longitude grid over numpy arrays, every cheap criterion
as an array mask.

The index is a conservative prefilter: every pair it drops fails a hard criterion; every pair it
keeps is checked again by the pure domain rules before it becomes a request. Time-dependent
parts (cooling, capacity freshness) are evaluated at search time, so a long-lived index stays
right as the clock moves; `update` changes one therapist in place (or appends it to a small
unsorted tail that every search scans), so a worker keeps it current from events.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from matching_service.domain.criteria import GERMAN, age_groups, max_distance, settings_wanted
from matching_service.domain.profiles import MatchContext, PatientProfile, TherapistProfile
from matching_service.domain.ranking import NEUTRAL
from matching_service.index_columns import (
    GENDER_BITS,
    KM_PER_DEG,
    ROW_STRIDE,
    Columns,
    cell,
    cell_key,
)
from matching_service.windows import bitmap, window_key

EPS_KM = 1e-6  # the domain decides exact boundaries
MAX_TAIL = 2000  # appended therapists scanned linearly; beyond this the index is rebuilt
PROCEDURES, AGE_BITS, SETTING_BITS = (
    ("VT", "TP", "AP", "ST"),
    ("adults", "children_adolescents"),
    ("individual", "group"),
)
__all__ = ["KM_PER_DEG", "Candidates", "TherapistIndex"]


def offer_bit(procedure: str, age_group: str, setting: str) -> int:
    """The bit of one procedure × age group × setting combination."""
    return 1 << (
        PROCEDURES.index(procedure) * 4
        + AGE_BITS.index(age_group) * 2
        + SETTING_BITS.index(setting)
    )


def wanted_offer_bits(p: PatientProfile, ctx: MatchContext) -> int:
    """Every offer combination that would satisfy procedure, age group and setting together."""
    procedures = p.procedures or frozenset(PROCEDURES)
    return sum(
        offer_bit(pr, a, s)
        for pr in procedures
        if pr in PROCEDURES
        for a in age_groups(p.age, ctx)
        for s in settings_wanted(p)
    )


@lru_cache(maxsize=65_536)
def _patient_bits(key: tuple[Any, ...]) -> np.ndarray:
    return bitmap({day: list(ranges) for day, ranges in key})


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
        located.sort(key=lambda t: cell_key(t.latitude, t.longitude))  # type: ignore[arg-type]
        self.build(located)

    def update(self, t: TherapistProfile) -> None:
        """Apply one therapist's new state (in place, or appended to the tail)."""
        pos = self.positions.get(t.therapist_id)
        located = t.latitude is not None and t.longitude is not None
        same_cell = (
            located
            and pos is not None
            and (pos >= self.sorted_n or cell_key(t.latitude, t.longitude) == int(self.keys[pos]))
        )  # type: ignore[arg-type]
        if pos is not None and (same_cell or not located):
            self.set_row(pos, t if located else None)
            return
        if pos is not None:
            self.set_row(pos, None)
        if located:
            self.append(t)
        if len(self) - self.sorted_n > MAX_TAIL:
            self.__init__(self.live())  # type: ignore[misc]

    def search(self, p: PatientProfile, ctx: MatchContext) -> Candidates:
        """Therapists passing the vectorised criteria, with distance and approximate score."""
        if not p.location_known or p.latitude is None or p.longitude is None or not len(self):
            return _empty()
        radius = max_distance(p, ctx)
        idx = self._cells(p.latitude, p.longitude, radius)
        idx = idx[self._static_mask(idx, p, ctx)]
        km = self._haversine(idx, p.latitude, p.longitude)
        near = km <= radius + EPS_KM
        if p.max_travel_minutes is not None:
            near &= _travel_minutes(km, p.travel_mode, ctx) <= p.max_travel_minutes + 1e-9
        if p.excluded or p.already_asked:
            near &= ~np.isin(self.ids[idx], list(p.excluded | p.already_asked))
        idx, km = idx[near], km[near]
        avail, ok = self._availability(idx, p, ctx)
        idx, km, avail = idx[ok], km[ok], avail[ok]
        w = ctx.rules.weights
        total = (
            w.distance * np.clip(1.0 - km / radius, 0.0, 1.0)
            + self._static_score(idx, ctx)
            + w.availability * avail
        )
        return Candidates(idx, km, np.clip(total, 0.0, 1.0))

    def _cells(self, lat: float, lon: float, radius_km: float) -> np.ndarray:
        dlat = radius_km / KM_PER_DEG
        widest = max(abs(lat - dlat), abs(lat + dlat))
        dlon = radius_km / (KM_PER_DEG * max(0.01, math.cos(math.radians(min(89.0, widest)))))
        rows = np.arange(cell(lat - dlat), cell(lat + dlat) + 1, dtype=np.int64) * ROW_STRIDE
        keys = self.keys[: self.sorted_n]
        lo = np.searchsorted(keys, rows + cell(lon - dlon), "left")
        hi = np.searchsorted(keys, rows + cell(lon + dlon), "right")
        spans = [np.arange(a, b) for a, b in zip(lo, hi, strict=True) if b > a]
        if len(self) > self.sorted_n:
            spans.append(np.arange(self.sorted_n, len(self)))
        return np.concatenate(spans) if spans else np.empty(0, dtype=np.int64)

    def _static_mask(self, idx: np.ndarray, p: PatientProfile, ctx: MatchContext) -> np.ndarray:
        mask = self.active[idx] & (self.cooling_until[idx] <= ctx.now.timestamp())
        mask &= (self.offers[idx] & wanted_offer_bits(p, ctx)) != 0
        if not (p.group_ok or p.group_only):
            mask &= ~self.prefers_group[idx]
        if p.insurance_type == "statutory":
            mask &= self.statutory[idx]
        if p.barrier_free:
            mask &= self.barrier_free[idx]
        if p.therapist_gender in ("female", "male"):
            mask &= self.gender[idx] == GENDER_BITS[p.therapist_gender]
        age = p.age if p.age is not None else -2
        mask &= (self.age_min[idx] <= age) & (age <= self.age_max[idx])
        pg = self.patient_genders[idx]
        mask &= (pg == 0) | ((pg & GENDER_BITS.get(p.gender, 8)) != 0)
        return mask & self._language_ok(idx, p)

    def _language_ok(self, idx: np.ndarray, p: PatientProfile) -> np.ndarray:
        needed = p.languages - {GERMAN}
        if not needed:
            return np.ones(len(idx), dtype=bool)
        if any(code not in self.languages for code in needed):
            return np.zeros(len(idx), dtype=bool)
        bits = [self.languages[c] for c in needed]
        if max(bits) >= 63:  # shared overflow bit: let the domain decide
            return np.ones(len(idx), dtype=bool)
        want = np.uint64(sum(1 << b for b in bits))
        return (self.language_bits[idx] & want) == want

    def _availability(
        self, idx: np.ndarray, p: PatientProfile, ctx: MatchContext
    ) -> tuple[np.ndarray, np.ndarray]:
        """Availability share and the minimum-overlap criterion (neutral/held without windows)."""
        if not p.availability or not len(idx):
            return np.full(len(idx), NEUTRAL), np.ones(len(idx), dtype=bool)
        wid = self.window_id[idx]
        minutes = self.windows.overlaps(wid, _patient_bits(window_key(p.availability)))
        none = wid == 0
        share = np.minimum(1.0, minutes / ctx.rules.full_overlap_minutes)
        return (np.where(none, NEUTRAL, share), none | (minutes >= ctx.rules.min_overlap_minutes))

    def _static_score(self, idx: np.ndarray, ctx: MatchContext) -> np.ndarray:
        w, today = ctx.rules.weights, ctx.now.date().toordinal()
        fresh = self.capacity_yes[idx] & (
            today - self.capacity_day[idx] <= ctx.rules.capacity_fresh_days
        )
        capacity = np.where(self.capacity_no[idx], 0.0, np.where(fresh, 1.0, 0.5))
        return w.capacity * capacity + w.response_rate * self.response_rate[idx]

    def _haversine(self, idx: np.ndarray, lat: float, lon: float) -> np.ndarray:
        phi, lmb = math.radians(lat), math.radians(lon)
        a = (
            np.sin((self.lat[idx] - phi) / 2) ** 2
            + math.cos(phi) * self.cos_lat[idx] * np.sin((self.lon[idx] - lmb) / 2) ** 2
        )
        return 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def _travel_minutes(km: np.ndarray, mode: str, ctx: MatchContext) -> np.ndarray:
    model = ctx.rules.travel
    detour = np.where(km < model.short_distance_km, model.short_detour_factor, model.detour_factor)
    return km * detour / model.speeds_kmh[mode] * 60.0 + model.access_minutes[mode]


def _empty() -> Candidates:
    return Candidates(np.empty(0, dtype=np.int64), np.empty(0), np.empty(0))
