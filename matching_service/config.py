"""Settings of the matching service, read once from the environment; every rule number is here."""

from __future__ import annotations

from pydantic import Field

from matching_service.domain.geo import TravelModel
from matching_service.domain.profiles import Rules, Weights
from shared.config import BaseServiceSettings

MODES = ("car", "public_transport", "bicycle", "walk")


class Settings(BaseServiceSettings):
    """Matching service settings (common ones come from BaseServiceSettings).

    Ranking weights sum to 1: distance (closer is better), capacity (known yes within
    `capacity_fresh_days` > unknown > no), historical response rate, weekly availability overlap
    (full marks from `full_overlap_minutes`). Travel factors are estimates, as in geocoding.
    """

    service_name: str = "matching_service"

    max_open_requests_per_patient: int = Field(default=10, ge=1, le=100)
    cooling_period_days: int = Field(default=28, ge=0)
    request_expiry_days: int = Field(default=28, ge=1)
    capacity_fresh_days: int = Field(default=30, ge=0)
    min_overlap_minutes: int = Field(default=60, ge=0)
    full_overlap_minutes: int = Field(default=600, ge=1)
    default_max_distance_km: float = Field(default=25.0, gt=0)
    adult_age: int = 18
    either_age_group_until: int = 20

    weight_distance: float = Field(default=0.40, ge=0)
    weight_capacity: float = Field(default=0.30, ge=0)
    weight_response_rate: float = Field(default=0.15, ge=0)
    weight_availability: float = Field(default=0.15, ge=0)

    detour_factor: float = Field(default=1.3, ge=1.0)
    detour_factor_short: float = Field(default=1.4, ge=1.0)
    short_distance_km: float = Field(default=5.0, ge=0)
    speed_car_kmh: float = Field(default=40.0, gt=0)
    speed_public_transport_kmh: float = Field(default=20.0, gt=0)
    speed_bicycle_kmh: float = Field(default=15.0, gt=0)
    speed_walk_kmh: float = Field(default=4.5, gt=0)
    access_car_min: float = Field(default=5.0, ge=0)
    access_public_transport_min: float = Field(default=10.0, ge=0)
    access_bicycle_min: float = Field(default=2.0, ge=0)
    access_walk_min: float = Field(default=0.0, ge=0)

    matching_round_interval_s: float = Field(default=3600.0, gt=0)
    expire_requests_interval_s: float = Field(default=900.0, gt=0)
    events_per_message: int = Field(default=200, ge=1, le=1000)

    def travel_model(self) -> TravelModel:
        """The travel-time estimate's factors."""
        return TravelModel(
            detour_factor=self.detour_factor,
            short_detour_factor=self.detour_factor_short,
            short_distance_km=self.short_distance_km,
            speeds_kmh={m: getattr(self, f"speed_{m}_kmh") for m in MODES},
            access_minutes={m: getattr(self, f"access_{m}_min") for m in MODES},
        )

    def rules(self) -> Rules:
        """The domain's numbers, from these settings."""
        return Rules(
            max_open_requests_per_patient=self.max_open_requests_per_patient,
            cooling_period_days=self.cooling_period_days,
            request_expiry_days=self.request_expiry_days,
            capacity_fresh_days=self.capacity_fresh_days,
            min_overlap_minutes=self.min_overlap_minutes,
            default_max_distance_km=self.default_max_distance_km,
            adult_age=self.adult_age,
            either_age_group_until=self.either_age_group_until,
            full_overlap_minutes=self.full_overlap_minutes,
            travel=self.travel_model(),
            weights=Weights(self.weight_distance, self.weight_capacity,
                            self.weight_response_rate, self.weight_availability),
        )
