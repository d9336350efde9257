"""Offers as sets: procedure × age group × setting, never collapsed into one value."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


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
