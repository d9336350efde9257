"""Settings of the travel-time estimate, shared by every service that estimates travel."""

from __future__ import annotations

from pydantic import Field

from shared.config import BaseServiceSettings
from shared.geo import DEFAULT_ACCESS_MINUTES as ACCESS
from shared.geo import DEFAULT_SPEEDS_KMH as SPEED
from shared.geo import TravelModel

_DEFAULT = TravelModel()
MODES = ("car", "public_transport", "bicycle", "walk")


class TravelSettings(BaseServiceSettings):
    """DETOUR_FACTOR(_SHORT), SHORT_DISTANCE_KM, SPEED_<MODE>_KMH, ACCESS_<MODE>_MIN."""

    detour_factor: float = Field(default=_DEFAULT.detour_factor, ge=1.0)
    detour_factor_short: float = Field(default=_DEFAULT.short_detour_factor, ge=1.0)
    short_distance_km: float = Field(default=_DEFAULT.short_distance_km, ge=0)
    speed_car_kmh: float = Field(default=SPEED["car"], gt=0)
    speed_public_transport_kmh: float = Field(default=SPEED["public_transport"], gt=0)
    speed_bicycle_kmh: float = Field(default=SPEED["bicycle"], gt=0)
    speed_walk_kmh: float = Field(default=SPEED["walk"], gt=0)
    access_car_min: float = Field(default=ACCESS["car"], ge=0)
    access_public_transport_min: float = Field(default=ACCESS["public_transport"], ge=0)
    access_bicycle_min: float = Field(default=ACCESS["bicycle"], ge=0)
    access_walk_min: float = Field(default=ACCESS["walk"], ge=0)

    def travel_model(self) -> TravelModel:
        """The estimator's factors from these settings."""
        return TravelModel(
            detour_factor=self.detour_factor,
            short_detour_factor=self.detour_factor_short,
            short_distance_km=self.short_distance_km,
            speeds_kmh={m: getattr(self, f"speed_{m}_kmh") for m in MODES},
            access_minutes={m: getattr(self, f"access_{m}_min") for m in MODES},
        )
