"""Candidate search for a batch of patients at once: every (patient, therapist) pair in the grid
cells around each patient is one element of a few flat numpy arrays, and each cheap criterion
is one array operation for the whole batch (not one per patient).

Like the index, the search is a conservative prefilter: a pair it drops fails a hard criterion
(exact boundaries get EPS_KM of slack); a pair it keeps is judged again by the pure domain rules.
Per-patient numbers (radius, grid box, travel limit) are computed with `math`, exactly as the
domain does; pairs keep their patient's order, so each patient's candidates are one slice.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from matching_service.domain.criteria import GERMAN, age_groups, max_distance, settings_wanted
from matching_service.domain.geo import EARTH_RADIUS_KM
from matching_service.domain.index import Candidates, TherapistIndex
from matching_service.domain.index_columns import (
    ACTIVE,
    BARRIER_FREE,
    GENDER_SHIFT,
    KM_PER_DEG,
    PROCEDURES,
    ROW_STRIDE,
    SOLO_OK,
    STATUTORY,
    TREATS_SHIFT,
    cell,
    gender_bit,
    offer_bit,
)
from matching_service.domain.profiles import MatchContext, PatientProfile
from matching_service.domain.ranking import NEUTRAL
from matching_service.domain.windows import bitmap, window_key

EPS_KM = 1e-6  # the domain decides exact boundaries
NO_LIMIT = math.inf


FIELDS: dict[str, Any] = {  # one value per patient (see `_query`)
    "row_lo": np.int64,  # first grid row of the box
    "rows": np.int64,  # grid rows in the box (0: nothing can match)
    "col_lo": np.int64,
    "col_hi": np.int64,
    "phi": np.float64,  # latitude, longitude in radians
    "lmb": np.float64,
    "radius": np.float64,
    "cos_phi": np.float64,
    "required": np.int64,  # flags bits a therapist needs
    "offers": np.int64,  # offer bits of which a therapist needs one
    "age": np.int64,
    "languages": np.uint64,  # language bits a therapist needs
    "max_minutes": np.float64,  # travel limit (inf: none)
    "speed": np.float64,
    "access": np.float64,
    "window": np.int64,  # number of the patient's weekly windows in `windows` (-1: none)
}
NOWHERE = (0, 0, 0, 0, 0.0, 0.0, 1.0, 1.0, 0, 0, 0, 0, NO_LIMIT, 1.0, 0.0, -1)


class Queries:
    """The batch's patients as one array per field, and their distinct weekly windows."""

    def __init__(self, rows: list[tuple[Any, ...]], windows: dict[tuple[Any, ...], int]) -> None:
        self.count = len(rows)
        self.windows = windows
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(FIELDS)
        self.fields = {
            name: np.array(values, dtype=dtype)
            for (name, dtype), values in zip(FIELDS.items(), columns, strict=True)
        }

    def __getitem__(self, name: str) -> np.ndarray:
        return self.fields[name]


def search_many(
    index: TherapistIndex, patients: list[PatientProfile], ctx: MatchContext
) -> list[Candidates]:
    """Each patient's candidates (therapists passing the vectorised criteria), in order."""
    q = _queries(index, patients, ctx)
    pat, pos = _pairs(index, q)
    keep = _static_ok(index, q, pat, pos, ctx)
    pat, pos = pat[keep], pos[keep]
    km = _haversine(index, q, pat, pos)
    keep = _reach_ok(q, pat, km, ctx) & ~_excluded(index, patients, pat, pos)
    pat, pos, km = pat[keep], pos[keep], km[keep]
    avail, keep = _availability(index, q, pat, pos, ctx)
    pat, pos, km, avail = pat[keep], pos[keep], km[keep], avail[keep]
    w = ctx.rules.weights
    radius = q["radius"][pat]
    total = (
        w.distance * np.clip(1.0 - km / radius, 0.0, 1.0)
        + index.static_scores(ctx)[pos]
        + w.availability * avail
    )
    total = np.clip(total, 0.0, 1.0)
    bounds = np.searchsorted(pat, np.arange(len(patients) + 1))
    return [
        Candidates(pos[a:b], km[a:b], total[a:b])
        for a, b in zip(bounds[:-1], bounds[1:], strict=True)
    ]


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


def required_flags(p: PatientProfile) -> int:
    """The `flags` bits a therapist needs for this patient's yes/no criteria."""
    required = ACTIVE | gender_bit(p.gender, TREATS_SHIFT)
    if p.insurance_type == "statutory":
        required |= STATUTORY
    if p.barrier_free:
        required |= BARRIER_FREE
    if not (p.group_ok or p.group_only):
        required |= SOLO_OK
    if p.therapist_gender in ("female", "male"):
        required |= gender_bit(p.therapist_gender, GENDER_SHIFT)
    return required


def _queries(index: TherapistIndex, patients: list[PatientProfile], ctx: MatchContext) -> Queries:
    windows: dict[tuple[Any, ...], int] = {}
    return Queries([_query(index, p, ctx, windows) for p in patients], windows)


def _query(
    index: TherapistIndex,
    p: PatientProfile,
    ctx: MatchContext,
    windows: dict[tuple[Any, ...], int],
) -> tuple[Any, ...]:
    """One patient's values in FIELDS order (NOWHERE when nothing can match)."""
    languages = _language_bits(index, p)
    if not p.location_known or p.latitude is None or p.longitude is None or languages is None:
        return NOWHERE
    lat, lon, radius = p.latitude, p.longitude, max_distance(p, ctx)
    dlat = radius / KM_PER_DEG
    widest = max(abs(lat - dlat), abs(lat + dlat))
    dlon = radius / (KM_PER_DEG * max(0.01, math.cos(math.radians(min(89.0, widest)))))
    phi = math.radians(lat)
    travel = ctx.rules.travel
    limited = p.max_travel_minutes is not None
    window = -1
    if p.availability:
        window = windows.setdefault(window_key(p.availability), len(windows))
    return (
        cell(lat - dlat),
        cell(lat + dlat) - cell(lat - dlat) + 1,
        cell(lon - dlon),
        cell(lon + dlon),
        phi,
        math.radians(lon),
        radius,
        math.cos(phi),
        required_flags(p),
        wanted_offer_bits(p, ctx),
        p.age if p.age is not None else -2,
        languages,
        p.max_travel_minutes + 1e-9 if limited else NO_LIMIT,  # type: ignore[operator]
        travel.speeds_kmh[p.travel_mode] if limited else 1.0,
        travel.access_minutes[p.travel_mode] if limited else 0.0,
        window,
    )


def _language_bits(index: TherapistIndex, p: PatientProfile) -> int | None:
    """Language bits a therapist needs (0: any), or None when no indexed therapist can have them."""
    needed = p.languages - {GERMAN}
    if not needed:
        return 0
    if any(code not in index.languages for code in needed):
        return None
    bits = [index.languages[c] for c in needed]
    if max(bits) >= 63:  # shared overflow bit: let the domain decide
        return 0
    return sum(1 << b for b in bits)


def _pairs(index: TherapistIndex, q: Queries) -> tuple[np.ndarray, np.ndarray]:
    """(patient number, index position) of every therapist in each patient's grid box."""
    row_lo, rows = q["row_lo"], q["rows"]
    span_pat = np.repeat(np.arange(q.count), rows)
    first = np.cumsum(rows) - rows
    row = row_lo[span_pat] + np.arange(len(span_pat)) - first[span_pat]
    keys = index.keys[: index.sorted_n]
    lo = np.searchsorted(keys, row * ROW_STRIDE + q["col_lo"][span_pat], "left")
    hi = np.searchsorted(keys, row * ROW_STRIDE + q["col_hi"][span_pat], "right")
    if len(index) > index.sorted_n:  # every searchable patient also scans the tail
        tail_pat = np.flatnonzero(rows > 0)
        span_pat = np.concatenate([span_pat, tail_pat])
        lo = np.concatenate([lo, np.full(len(tail_pat), index.sorted_n)])
        hi = np.concatenate([hi, np.full(len(tail_pat), len(index))])
        order = np.argsort(span_pat, kind="stable")
        span_pat, lo, hi = span_pat[order], lo[order], hi[order]
    lengths = hi - lo
    starts = np.cumsum(lengths) - lengths
    pos = np.repeat(lo - starts, lengths) + np.arange(int(lengths.sum()))
    return np.repeat(span_pat, lengths), pos


def _static_ok(
    index: TherapistIndex, q: Queries, pat: np.ndarray, pos: np.ndarray, ctx: MatchContext
) -> np.ndarray:
    """Yes/no criteria as one flags test, then cooling, age range and languages."""
    flags, required = index.flags[pos], q["required"][pat]
    ok = ((flags & required) == required) & ((flags & q["offers"][pat]) != 0)
    kept, kept_pat = pos[ok], pat[ok]
    age = q["age"][kept_pat]
    fine = index.cooling_until[kept] <= ctx.now.timestamp()
    fine &= (index.age_min[kept] <= age) & (age <= index.age_max[kept])
    languages = q["languages"]
    if languages.any():
        want = languages[kept_pat]
        fine &= (index.language_bits[kept] & want) == want
    ok[ok] = fine
    return ok


def _haversine(index: TherapistIndex, q: Queries, pat: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Great-circle km of each pair (the same operations as the domain's haversine)."""
    phi, lmb, cos_phi = (q[name][pat] for name in ("phi", "lmb", "cos_phi"))
    a = (
        np.sin((index.lat[pos] - phi) / 2) ** 2
        + cos_phi * index.cos_lat[pos] * np.sin((index.lon[pos] - lmb) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def _reach_ok(q: Queries, pat: np.ndarray, km: np.ndarray, ctx: MatchContext) -> np.ndarray:
    """Within the radius and, where the patient set one, the travel minutes."""
    ok = km <= q["radius"][pat] + EPS_KM
    max_minutes = q["max_minutes"][pat]
    limited = max_minutes < NO_LIMIT
    if limited.any():
        model, km_l = ctx.rules.travel, km[limited]
        detour = np.where(
            km_l < model.short_distance_km, model.short_detour_factor, model.detour_factor
        )
        speed, access = q["speed"][pat], q["access"][pat]
        minutes = km_l * detour / speed[limited] * 60.0 + access[limited]
        ok[limited] &= minutes <= max_minutes[limited]
    return ok


def _excluded(
    index: TherapistIndex, patients: list[PatientProfile], pat: np.ndarray, pos: np.ndarray
) -> np.ndarray:
    """Pairs excluded for the patient or already asked about."""
    width = int(index.ids.max()) + 1 if len(index) else 1
    keys = [
        i * width + tid
        for i, p in enumerate(patients)
        for tid in p.excluded | p.already_asked
        if 0 <= tid < width
    ]
    if not keys:
        return np.zeros(len(pat), dtype=bool)
    return np.isin(pat * width + index.ids[pos], np.array(keys, dtype=np.int64))


def _availability(
    index: TherapistIndex, q: Queries, pat: np.ndarray, pos: np.ndarray, ctx: MatchContext
) -> tuple[np.ndarray, np.ndarray]:
    """Availability share and the minimum-overlap criterion (neutral/held without windows)."""
    share, ok = np.full(len(pat), NEUTRAL), np.ones(len(pat), dtype=bool)
    window = q["window"][pat]
    both = (window >= 0) & (index.window_id[pos] != 0)
    if both.any():
        own = np.stack([_patient_bits(key) for key in q.windows])
        minutes = index.windows.pair_overlaps(own, window[both], index.window_id[pos[both]])
        share[both] = np.minimum(1.0, minutes / ctx.rules.full_overlap_minutes)
        ok[both] = minutes >= ctx.rules.min_overlap_minutes
    return share, ok


@lru_cache(maxsize=65_536)
def _patient_bits(key: tuple[Any, ...]) -> np.ndarray:
    return bitmap({day: list(ranges) for day, ranges in key})
