"""The per-therapist numpy columns of the candidate index, and how one therapist fills a row."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from matching_service.domain.profiles import Offer, TherapistProfile
from matching_service.domain.ranking import response_rate_part
from matching_service.domain.windows import WindowSets

CELL_DEG = 0.1  # grid cell edge in degrees (~11 km north-south)
ROW_STRIDE = 10_000  # cell key = row * ROW_STRIDE + column
KM_PER_DEG = 111.19
GENDERS = ("female", "male", "diverse", "unspecified")
MAX_LANGUAGE_BITS = 63
NO_DAY = -(10**9)  # capacity date unknown: never fresh
PROCEDURES, AGE_GROUPS, SETTINGS = (
    ("VT", "TP", "AP", "ST"),
    ("adults", "children_adolescents"),
    ("individual", "group"),
)
# `flags`: one bit per offer combination (bits 0-15), then one bit per yes/no attribute, so the
# static criteria of a search are two AND/compare operations on one gathered column.
OFFER_BITS = 16
ACTIVE = 1 << OFFER_BITS  # active and not opted out
STATUTORY = ACTIVE << 1
BARRIER_FREE = ACTIVE << 2
SOLO_OK = ACTIVE << 3  # does not prefer group settings
GENDER_SHIFT = OFFER_BITS + 4  # therapist's own gender, one bit of GENDERS
TREATS_SHIFT = GENDER_SHIFT + len(GENDERS)  # patient genders treated (all four: no preference)
COLUMNS: dict[str, Any] = {  # name → dtype (an empty/"dead" row has every value zero/false)
    "keys": np.int64,
    "ids": np.int64,
    "lat": np.float64,
    "lon": np.float64,
    "cos_lat": np.float64,
    "flags": np.int64,
    "cooling_until": np.float64,
    "age_min": np.int64,
    "age_max": np.int64,
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


def location_of(therapist: TherapistProfile) -> tuple[float, float]:
    """A located therapist's latitude and longitude (the index holds only located ones)."""
    if therapist.latitude is None or therapist.longitude is None:
        raise ValueError(f"therapist {therapist.therapist_id} has no location")
    return therapist.latitude, therapist.longitude


def gender_bit(gender: str, shift: int) -> int:
    """The bit of a gender at `shift` (an unknown value counts as "unspecified")."""
    return 1 << (shift + (GENDERS.index(gender) if gender in GENDERS else len(GENDERS) - 1))


def flags_of(t: TherapistProfile) -> int:
    """The `flags` column value of one therapist."""
    treats = sum(gender_bit(g, TREATS_SHIFT) for g in t.patient_genders if g in GENDERS)
    return (
        offer_mask(t.offers)
        | (ACTIVE if t.status == "active" and not t.opted_out else 0)
        | (STATUTORY if t.statutory_licence else 0)
        | (BARRIER_FREE if t.barrier_free else 0)
        | (0 if t.prefers_group else SOLO_OK)
        | gender_bit(t.gender, GENDER_SHIFT)
        | (treats or sum(1 << (TREATS_SHIFT + i) for i in range(len(GENDERS))))
    )


def offer_bit(procedure: str, age_group: str, setting: str) -> int:
    """The bit of one procedure × age group × setting combination."""
    return 1 << (
        PROCEDURES.index(procedure) * 4 + AGE_GROUPS.index(age_group) * 2 + SETTINGS.index(setting)
    )


def offer_mask(offers: tuple[Offer, ...]) -> int:
    """One bit per procedure × age group × setting offered (unknown values have none)."""
    mask = 0
    for o in offers:
        if o.procedure in PROCEDURES and o.age_group in AGE_GROUPS and o.setting in SETTINGS:
            mask |= offer_bit(o.procedure, o.age_group, o.setting)
    return mask


class Columns:
    """Arrays indexed by position; positions < sorted_n are sorted by grid cell."""

    keys: np.ndarray
    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    cos_lat: np.ndarray
    flags: np.ndarray
    cooling_until: np.ndarray
    age_min: np.ndarray
    age_max: np.ndarray
    language_bits: np.ndarray
    capacity_yes: np.ndarray
    capacity_no: np.ndarray
    capacity_day: np.ndarray
    response_rate: np.ndarray
    window_id: np.ndarray

    def __init__(self) -> None:
        self.languages: dict[str, int] = {}
        self.windows = WindowSets()
        self.derived: dict[str, Any] = {}  # whole-column results for one key; cleared on change

    def build(self, located: list[TherapistProfile]) -> None:
        """Fill every column from therapists already in grid-cell order."""
        rows = [self.row(t) for t in located]
        for i, (name, dtype) in enumerate(COLUMNS.items()):
            setattr(self, name, np.array([r[i] for r in rows], dtype=dtype))
        self.therapists: list[TherapistProfile | None] = list(located)
        self.positions = {t.therapist_id: i for i, t in enumerate(located)}
        self.sorted_n = len(located)
        self.derived.clear()

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
        self.derived.clear()
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
        self.derived.clear()

    def row(self, t: TherapistProfile) -> tuple[Any, ...]:
        """The column values of one located therapist, in COLUMNS order."""
        latitude, longitude = location_of(t)
        lat, lon = math.radians(latitude), math.radians(longitude)
        return (
            cell_key(latitude, longitude),
            t.therapist_id,
            lat,
            lon,
            math.cos(lat),
            flags_of(t),
            t.cooling_until.timestamp() if t.cooling_until is not None else -math.inf,
            t.age_min if t.age_min is not None else -1,
            t.age_max if t.age_max is not None else 10_000,
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
