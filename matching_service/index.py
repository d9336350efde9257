"""Candidate search at scale: a latitude/longitude grid over numpy arrays, cheap criteria first.

The index is a conservative prefilter: every pair it drops fails a hard criterion; every pair it
keeps is checked again by the pure domain rules before it becomes a request.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from matching_service.domain.criteria import GERMAN, age_groups, max_distance, settings_wanted
from matching_service.domain.profiles import MatchContext, PatientProfile, TherapistProfile
from matching_service.domain.ranking import capacity_part, response_rate_part

CELL_DEG = 0.2  # grid cell edge in degrees (~22 km north-south)
ROW_STRIDE = 10_000  # cell key = row * ROW_STRIDE + column
KM_PER_DEG = 111.19
EPS_KM = 1e-6  # the domain decides exact boundaries
PROCEDURES, AGE_BITS, SETTING_BITS = ("VT", "TP", "AP", "ST"), ("adults", "children_adolescents"), (
    "individual", "group")
GENDER_BITS = {"female": 1, "male": 2, "diverse": 4, "unspecified": 8}
MAX_LANGUAGE_BITS = 63


def offer_bit(procedure: str, age_group: str, setting: str) -> int:
    """The bit of one procedure × age group × setting combination."""
    return 1 << (PROCEDURES.index(procedure) * 4 + AGE_BITS.index(age_group) * 2
                 + SETTING_BITS.index(setting))


def wanted_offer_bits(p: PatientProfile, ctx: MatchContext) -> int:
    """Every offer combination that would satisfy procedure, age group and setting together."""
    procedures = p.procedures or frozenset(PROCEDURES)
    return sum(offer_bit(pr, a, s) for pr in procedures if pr in PROCEDURES
               for a in age_groups(p.age, ctx) for s in settings_wanted(p))


def _eligible(t: TherapistProfile, now: datetime) -> bool:
    cooling = t.cooling_until is not None and now < t.cooling_until
    return t.status == "active" and not t.opted_out and not cooling


@dataclass
class Candidates:
    """Prefiltered candidates of one patient, best partial score first (`pool[positions[i]]`)."""

    pool: list[TherapistProfile]
    positions: list[int]
    distances: np.ndarray
    partial: np.ndarray

    def __len__(self) -> int:
        return len(self.positions)

    def therapist(self, i: int) -> TherapistProfile:
        """The i-th best candidate."""
        return self.pool[self.positions[i]]


class TherapistIndex:
    """Therapists with a known location, sorted by grid cell, with one array per criterion."""

    def __init__(self, therapists: list[TherapistProfile], ctx: MatchContext) -> None:
        located = [t for t in therapists if t.latitude is not None and t.longitude is not None]
        keys = np.array([_cell_key(t.latitude, t.longitude) for t in located],  # type: ignore
                        dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        self.therapists = [located[i] for i in order]
        self.keys = keys[order]
        self.languages: dict[str, int] = {}
        self._columns(self.therapists, ctx)

    def _columns(self, ts: list[TherapistProfile], ctx: MatchContext) -> None:
        w, today = ctx.rules.weights, ctx.now.date()
        self.lat = np.radians(np.array([t.latitude for t in ts], dtype=np.float64))
        self.lon = np.radians(np.array([t.longitude for t in ts], dtype=np.float64))
        self.cos_lat = np.cos(self.lat)
        self.eligible = np.array([_eligible(t, ctx.now) for t in ts], dtype=bool)
        self.statutory = np.array([t.statutory_licence for t in ts], dtype=bool)
        self.barrier_free = np.array([t.barrier_free for t in ts], dtype=bool)
        self.gender = np.array([GENDER_BITS.get(t.gender, 8) for t in ts], dtype=np.int8)
        self.offers = np.array([_offer_mask(t) for t in ts], dtype=np.int64)
        self.prefers_group = np.array([t.prefers_group for t in ts], dtype=bool)
        self.age_min = np.array([t.age_min if t.age_min is not None else -1 for t in ts])
        self.age_max = np.array([t.age_max if t.age_max is not None else 10_000 for t in ts])
        self.patient_genders = np.array([sum(GENDER_BITS.get(g, 0) for g in t.patient_genders)
                                         for t in ts], dtype=np.int8)
        self.language_bits = np.array([self._language_mask(t) for t in ts], dtype=np.uint64)
        self.static_score = np.array(
            [w.capacity * capacity_part(t.accepting_new_patients, t.capacity_as_of, today,
                                        ctx.rules.capacity_fresh_days)
             + w.response_rate * response_rate_part(t.requests_contacted, t.requests_answered)
             for t in ts], dtype=np.float64)

    def _language_mask(self, t: TherapistProfile) -> int:
        mask = 0
        for code in t.languages:
            bit = self.languages.setdefault(code, min(len(self.languages), MAX_LANGUAGE_BITS))
            mask |= 1 << bit
        return mask

    def __len__(self) -> int:
        return len(self.therapists)

    def search(self, p: PatientProfile, ctx: MatchContext) -> Candidates:
        """Therapists passing the vectorised criteria, ordered by partial score (best first)."""
        if not p.location_known or p.latitude is None or p.longitude is None or not len(self):
            return _empty()
        radius = max_distance(p, ctx)
        idx = self._cells(p.latitude, p.longitude, radius)
        idx = idx[self._static_mask(idx, p, ctx)]
        km = self._haversine(idx, p.latitude, p.longitude)
        near = km <= radius + EPS_KM
        if p.max_travel_minutes is not None:
            near &= _travel_minutes(km, p.travel_mode, ctx) <= p.max_travel_minutes + 1e-9
        idx, km = idx[near], km[near]
        partial = (ctx.rules.weights.distance * np.clip(1.0 - km / radius, 0.0, 1.0)
                   + self.static_score[idx])
        order = np.lexsort((km, -partial))
        return Candidates(self.therapists, idx[order].tolist(), km[order], partial[order])

    def _cells(self, lat: float, lon: float, radius_km: float) -> np.ndarray:
        dlat = radius_km / KM_PER_DEG
        widest = max(abs(lat - dlat), abs(lat + dlat))
        dlon = radius_km / (KM_PER_DEG * max(0.01, math.cos(math.radians(min(89.0, widest)))))
        rows = np.arange(_cell(lat - dlat), _cell(lat + dlat) + 1, dtype=np.int64)
        lo = np.searchsorted(self.keys, rows * ROW_STRIDE + _cell(lon - dlon), "left")
        hi = np.searchsorted(self.keys, rows * ROW_STRIDE + _cell(lon + dlon), "right")
        spans = [np.arange(a, b) for a, b in zip(lo, hi, strict=True) if b > a]
        return np.concatenate(spans) if spans else np.empty(0, dtype=np.int64)

    def _static_mask(self, idx: np.ndarray, p: PatientProfile, ctx: MatchContext) -> np.ndarray:
        mask = self.eligible[idx] & ((self.offers[idx] & wanted_offer_bits(p, ctx)) != 0)
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
        if max(bits) >= MAX_LANGUAGE_BITS:  # shared overflow bit: let the domain decide
            return np.ones(len(idx), dtype=bool)
        want = np.uint64(sum(1 << b for b in bits))
        return (self.language_bits[idx] & want) == want

    def _haversine(self, idx: np.ndarray, lat: float, lon: float) -> np.ndarray:
        phi, lmb = math.radians(lat), math.radians(lon)
        a = (np.sin((self.lat[idx] - phi) / 2) ** 2
             + math.cos(phi) * self.cos_lat[idx] * np.sin((self.lon[idx] - lmb) / 2) ** 2)
        return 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def _cell(degrees: float) -> int:
    return math.floor(degrees / CELL_DEG)


def _cell_key(lat: float, lon: float) -> int:
    return _cell(lat) * ROW_STRIDE + _cell(lon)


def _offer_mask(t: TherapistProfile) -> int:
    mask = 0
    for o in t.offers:
        if o.procedure in PROCEDURES and o.age_group in AGE_BITS and o.setting in SETTING_BITS:
            mask |= offer_bit(o.procedure, o.age_group, o.setting)
    return mask


def _travel_minutes(km: np.ndarray, mode: str, ctx: MatchContext) -> np.ndarray:
    model = ctx.rules.travel
    detour = np.where(km < model.short_distance_km, model.short_detour_factor,
                      model.detour_factor)
    return km * detour / model.speeds_kmh[mode] * 60.0 + model.access_minutes[mode]


def _empty() -> Candidates:
    return Candidates([], [], np.empty(0), np.empty(0))
