"""The per-therapist numpy columns of the candidate index, and how one therapist fills a row."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from matching_service.domain.profiles import Offer, TherapistProfile
from matching_service.domain.ranking import response_rate_part
from matching_service.windows import WindowSets

CELL_DEG = 0.2  # grid cell edge in degrees (~22 km north-south)
ROW_STRIDE = 10_000  # cell key = row * ROW_STRIDE + column
KM_PER_DEG = 111.19
GENDER_BITS = {"female": 1, "male": 2, "diverse": 4, "unspecified": 8}
MAX_LANGUAGE_BITS = 63
NO_DAY = -(10**9)  # capacity date unknown: never fresh
_PROCS, _AGES, _SETTINGS = (
    ("VT", "TP", "AP", "ST"),
    ("adults", "children_adolescents"),
    ("individual", "group"),
)
COLUMNS: dict[str, Any] = {  # name → dtype (an empty/"dead" row has every value zero/false)
    "keys": np.int64,
    "ids": np.int64,
    "lat": np.float64,
    "lon": np.float64,
    "cos_lat": np.float64,
    "active": bool,
    "cooling_until": np.float64,
    "statutory": bool,
    "barrier_free": bool,
    "gender": np.int8,
    "offers": np.int64,
    "prefers_group": bool,
    "age_min": np.int64,
    "age_max": np.int64,
    "patient_genders": np.int8,
    "language_bits": np.uint64,
    "capacity_yes": bool,
    "capacity_no": bool,
    "capacity_day": np.int64,
    "response_rate": np.float64,
    "window_id": np.int32,
}


def cell(degrees: float) -> int:
    """Grid row or column of a latitude or longitude."""
    return math.floor(degrees / CELL_DEG)


def cell_key(lat: float, lon: float) -> int:
    """The grid cell of a location."""
    return cell(lat) * ROW_STRIDE + cell(lon)


def offer_mask(offers: tuple[Offer, ...]) -> int:
    """One bit per procedure × age group × setting offered."""
    mask = 0
    for o in offers:
        if o.procedure in _PROCS and o.age_group in _AGES and o.setting in _SETTINGS:
            mask |= 1 << (
                _PROCS.index(o.procedure) * 4
                + _AGES.index(o.age_group) * 2
                + _SETTINGS.index(o.setting)
            )
    return mask


class Columns:
    """Arrays indexed by position; positions < sorted_n are sorted by grid cell."""

    keys: np.ndarray
    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    cos_lat: np.ndarray
    active: np.ndarray
    cooling_until: np.ndarray
    statutory: np.ndarray
    barrier_free: np.ndarray
    gender: np.ndarray
    offers: np.ndarray
    prefers_group: np.ndarray
    age_min: np.ndarray
    age_max: np.ndarray
    patient_genders: np.ndarray
    language_bits: np.ndarray
    capacity_yes: np.ndarray
    capacity_no: np.ndarray
    capacity_day: np.ndarray
    response_rate: np.ndarray
    window_id: np.ndarray

    def __init__(self) -> None:
        self.languages: dict[str, int] = {}
        self.windows = WindowSets()

    def build(self, located: list[TherapistProfile]) -> None:
        """Fill every column from therapists already in grid-cell order."""
        rows = [self.row(t) for t in located]
        for i, (name, dtype) in enumerate(COLUMNS.items()):
            setattr(self, name, np.array([r[i] for r in rows], dtype=dtype))
        self.therapists: list[TherapistProfile | None] = list(located)
        self.positions = {t.therapist_id: i for i, t in enumerate(located)}
        self.sorted_n = len(located)

    def __len__(self) -> int:
        return len(self.therapists)

    def live(self) -> list[TherapistProfile]:
        """The therapists currently held (without the rows of ones that moved away)."""
        return [t for t in self.therapists if t is not None]

    def set_row(self, pos: int, t: TherapistProfile | None) -> None:
        """Overwrite one row; None leaves a dead row that no search can match."""
        values = (
            self.row(t)
            if t is not None
            else (self.keys[pos], 0, 0.0, 0.0, 0.0, *([0] * (len(COLUMNS) - 5)))
        )
        for (name, _), value in zip(COLUMNS.items(), values, strict=True):
            getattr(self, name)[pos] = value
        if t is None:
            old = self.therapists[pos]
            if old is not None:
                self.positions.pop(old.therapist_id, None)
        self.therapists[pos] = t

    def append(self, t: TherapistProfile) -> None:
        """Add a row at the end (the unsorted tail)."""
        for (name, dtype), value in zip(COLUMNS.items(), self.row(t), strict=True):
            setattr(self, name, np.append(getattr(self, name), np.array([value], dtype=dtype)))
        self.positions[t.therapist_id] = len(self.therapists)
        self.therapists.append(t)

    def row(self, t: TherapistProfile) -> tuple[Any, ...]:
        """The column values of one located therapist, in COLUMNS order."""
        lat, lon = math.radians(t.latitude), math.radians(t.longitude)  # type: ignore[arg-type]
        return (
            cell_key(t.latitude, t.longitude),
            t.therapist_id,  # type: ignore[arg-type]
            lat,
            lon,
            math.cos(lat),
            t.status == "active" and not t.opted_out,
            t.cooling_until.timestamp() if t.cooling_until is not None else -math.inf,
            t.statutory_licence,
            t.barrier_free,
            GENDER_BITS.get(t.gender, 8),
            offer_mask(t.offers),
            t.prefers_group,
            t.age_min if t.age_min is not None else -1,
            t.age_max if t.age_max is not None else 10_000,
            sum(GENDER_BITS.get(g, 0) for g in t.patient_genders),
            self._language_mask(t),
            t.accepting_new_patients == "yes",
            t.accepting_new_patients == "no",
            t.capacity_as_of.toordinal() if t.capacity_as_of is not None else NO_DAY,
            response_rate_part(t.requests_contacted, t.requests_answered),
            self.windows.id_of(t.consultation_hours),
        )

    def _language_mask(self, t: TherapistProfile) -> int:
        mask = 0
        for code in t.languages:
            bit = self.languages.setdefault(code, min(len(self.languages), MAX_LANGUAGE_BITS))
            mask |= 1 << bit
        return mask
