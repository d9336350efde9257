"""Pure rules of the therapist service (standard library only; values are vocabulary strings)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180

# Fields the 116117 import owns: updated by every import, each change recorded.
SOURCE_FIELDS: tuple[str, ...] = (
    "salutation",
    "title",
    "first_name",
    "last_name",
    "gender",
    "street",
    "house_number",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    "phone",
    "fax",
    "email",
    "website",
    "languages",
    "offers",
    "barrier_free",
    "phone_hours",
    "consultation_hours",
)
# Fields staff maintain by hand: an import never writes them.
MANUAL_FIELDS: tuple[str, ...] = (
    "status",
    "status_reason",
    "block_reason",
    "accepting_new_patients",
    "capacity_as_of",
    "preferred_channel",
    "opted_out",
    "age_min",
    "age_max",
    "patient_genders",
    "prefers_group",
    "statutory_licence",
)


@dataclass(frozen=True, order=True)
class Offer:
    """One thing a therapist offers: procedure × age group × setting."""

    procedure: str
    age_group: str
    setting: str

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Offer:
        """Build from `{"procedure": "VT", "age_group": "adults", "setting": "individual"}`."""
        return cls(str(raw["procedure"]), str(raw["age_group"]), str(raw["setting"]))

    def to_dict(self) -> dict[str, str]:
        """The stored / transported form."""
        return {"procedure": self.procedure, "age_group": self.age_group, "setting": self.setting}


def normalise_offers(raw: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """A set of offers, deduplicated and sorted (nothing collapsed into one value)."""
    return [offer.to_dict() for offer in sorted({Offer.from_dict(item) for item in raw})]


def procedures_of(offers: Iterable[Offer]) -> set[str]:
    """Every procedure a therapist offers."""
    return {offer.procedure for offer in offers}


def offers_match(
    offers: Iterable[Offer],
    wanted: Iterable[str] = (),
    age_group: str | None = None,
    setting: str | None = None,
) -> bool:
    """True if one offer has a wanted procedure (none wanted = any) and the age group/setting."""
    wanted_set = set(wanted)
    return any(
        (not wanted_set or offer.procedure in wanted_set)
        and (age_group is None or offer.age_group == age_group)
        and (setting is None or offer.setting == setting)
        for offer in offers
    )


@dataclass(frozen=True)
class FieldChange:
    """One source field that changed: old → new."""

    field: str
    old: Any
    new: Any


def diff_fields(
    current: Mapping[str, Any], incoming: Mapping[str, Any], fields: Iterable[str] = SOURCE_FIELDS
) -> list[FieldChange]:
    """Fields present in `incoming` whose value differs from `current`."""
    return [
        FieldChange(name, current.get(name), incoming[name])
        for name in fields
        if name in incoming and current.get(name) != incoming[name]
    ]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


@dataclass(frozen=True)
class Box:
    """A lat/lon bounding box (degrees)."""

    south: float
    west: float
    north: float
    east: float


def bounding_box(lat: float, lon: float, radius_km: float) -> Box:
    """A box that contains every point within `radius_km` of (lat, lon)."""
    dlat = radius_km / KM_PER_DEGREE
    cos_lat = math.cos(math.radians(min(89.9, abs(lat) + dlat)))
    dlon = min(180.0, radius_km / (KM_PER_DEGREE * cos_lat))
    return Box(
        max(-90.0, lat - dlat),
        max(-180.0, lon - dlon),
        min(90.0, lat + dlat),
        min(180.0, lon + dlon),
    )


def practice_keys(email: str | None, phone: str | None) -> set[str]:
    """Keys under which therapists share a practice: the practice e-mail and phone."""
    keys = set()
    if email:
        keys.add(f"email:{email.strip().lower()}")
    if phone:
        keys.add(f"phone:{phone.strip()}")
    return keys
