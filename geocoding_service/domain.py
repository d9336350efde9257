"""Pure rules of the geocoding service (standard library only)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from shared.geo import (  # noqa: F401  (re-exported: the estimate lives in shared.geo)
    EARTH_RADIUS_KM,
    TravelModel,
    detour_factor,
    estimate_road_km,
    estimate_travel_minutes,
    haversine_km,
)
from shared.patient_vocabulary import TravelMode  # noqa: F401

POSTAL_CODE = re.compile(r"^\d{5}$")
_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s-]")
_STREET_SUFFIX = re.compile(r"(str\.?|strasse)$")


class Precision(StrEnum):
    """How exact a resolved location is."""

    street = "street"
    postal_code = "postal_code"


@dataclass(frozen=True)
class Point:
    """A WGS84 coordinate pair in degrees."""

    lat: float
    lon: float


@dataclass(frozen=True)
class AddressQuery:
    """What a caller asks to geocode; every part is optional text."""

    street: str = ""
    house_number: str = ""
    postal_code: str = ""
    city: str = ""

    @property
    def has_street(self) -> bool:
        return bool(self.street.strip())


def is_valid_coordinate(lat: float, lon: float) -> bool:
    """True for finite latitude in [-90, 90] and longitude in [-180, 180]."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return False
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


def is_plausible_location(lat: float, lon: float) -> bool:
    """A valid coordinate that is not the 0/0 'null island' placeholder."""
    return is_valid_coordinate(lat, lon) and not (lat == 0.0 and lon == 0.0)


def haversine_many(origin: Point, destinations: Iterable[Point]) -> list[float]:
    """Distances from one origin to many points; the origin's trigonometry is computed once."""
    sin, cos, asin, sqrt = math.sin, math.cos, math.asin, math.sqrt
    k = math.pi / 360.0  # degrees -> half-angle radians
    half_phi1, half_lmb1 = origin.lat * k, origin.lon * k
    cos1, diameter = cos(2 * half_phi1), 2 * EARTH_RADIUS_KM
    out: list[float] = []
    append = out.append
    for dest in destinations:
        half_phi2 = dest.lat * k
        s_phi = sin(half_phi2 - half_phi1)
        s_lmb = sin(dest.lon * k - half_lmb1)
        a = s_phi * s_phi + cos1 * cos(2 * half_phi2) * s_lmb * s_lmb
        append(diameter * asin(sqrt(a if a < 1.0 else 1.0)))
    return out


def normalise_postal_code(raw: str) -> str:
    """Strip spaces and a leading 'D-'; the result may still be invalid."""
    code = raw.strip().upper().replace(" ", "")
    return code[2:] if code.startswith("D-") else code


def is_valid_postal_code(raw: str) -> bool:
    """German postal codes are exactly five digits."""
    return bool(POSTAL_CODE.match(normalise_postal_code(raw)))


def normalise_text(raw: str) -> str:
    """Lower case, umlauts folded (ä→ae, ß→ss), punctuation dropped, spaces collapsed."""
    text = raw.strip().lower()
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(src, dst)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _PUNCTUATION.sub(" ", text.replace(".", ". "))
    return _SPACES.sub(" ", text).strip()


def normalise_street(raw: str) -> str:
    """A street name in one spelling: 'Lindenstr.' and 'Lindenstraße' become 'lindenstrasse'."""
    text = normalise_text(raw.replace(".", " "))
    return _STREET_SUFFIX.sub("strasse", text.replace(" strasse", "strasse"))


def normalise_query(query: AddressQuery) -> str:
    """The cache key of an address: equal for spellings that mean the same place."""
    parts = (
        normalise_street(query.street),
        normalise_text(query.house_number).replace(" ", ""),
        normalise_postal_code(query.postal_code),
        normalise_text(query.city),
    )
    return "|".join(parts)


def free_form_query(query: AddressQuery, country: str = "Deutschland") -> str:
    """One line for Nominatim's `q=`: 'Street 12, 52062 Aachen, Deutschland'."""
    street = " ".join(p for p in (query.street.strip(), query.house_number.strip()) if p)
    place = " ".join(p for p in (normalise_postal_code(query.postal_code), query.city.strip()) if p)
    return ", ".join(p for p in (street, place, country) if p)


def round_coordinate(value: float, digits: int = 6) -> float:
    """Coordinates to ~0.1 m; more digits are noise."""
    return round(value, digits)


def check_destinations(points: Sequence[Point], limit: int) -> None:
    """Refuse empty or oversized destination lists."""
    if not points:
        raise ValueError("at least one destination is required")
    if len(points) > limit:
        raise ValueError(f"at most {limit} destinations per call")
