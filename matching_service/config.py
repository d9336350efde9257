"""Settings of the matching service, read once from the environment; every rule number is here."""

from __future__ import annotations

from pydantic import Field

from matching_service.domain.profiles import Rules, Weights
from matching_service.domain.ranking import PatientOrder
from shared import rules
from shared.travel_settings import TravelSettings
from shared.vocabulary import CoolingAfter


class Settings(TravelSettings):
    """Matching service settings (common ones come from BaseServiceSettings).

    Ranking weights sum to 1: distance (closer is better), capacity (known yes within
    `capacity_fresh_days` > unknown > no), historical response rate, weekly availability overlap
    (full marks from `full_overlap_minutes`). Travel factors are estimates, as in geocoding.
    """

    service_name: str = "matching_service"

    max_open_requests_per_patient: int = Field(
        default=rules.MAX_OPEN_REQUESTS_PER_PATIENT, ge=1, le=100
    )
    cooling_period_days: int = Field(default=rules.COOLING_PERIOD_DAYS, ge=0)
    # which answers start it (communication reads the same setting)
    cooling_after: CoolingAfter = CoolingAfter(rules.COOLING_AFTER)
    request_expiry_days: int = Field(default=rules.REQUEST_EXPIRY_DAYS, ge=1)
    capacity_fresh_days: int = Field(default=rules.CAPACITY_FRESH_DAYS, ge=0)
    min_overlap_minutes: int = Field(default=rules.MIN_AVAILABILITY_OVERLAP_MINUTES, ge=0)
    full_overlap_minutes: int = Field(default=600, ge=1)
    default_max_distance_km: float = Field(default=rules.DEFAULT_MAX_DISTANCE_KM, gt=0)
    adult_age: int = 18
    either_age_group_until: int = 20

    weight_distance: float = Field(default=0.40, ge=0)
    weight_capacity: float = Field(default=0.30, ge=0)
    weight_response_rate: float = Field(default=0.15, ge=0)
    weight_availability: float = Field(default=0.15, ge=0)
    # who a matching round serves first: `priority` (urgent, then the longest search) or
    # `arrival` (the longest search only; with WEIGHT_DISTANCE=1 and the other weights 0 this
    # is the simulation's "FIFO-nearest" anchor strategy)
    patient_order: PatientOrder = PatientOrder.PRIORITY

    # A request contacted this long ago with neither answer nor call is on the attention list.
    contacted_without_answer_days: int = Field(default=rules.CONTACTED_WITHOUT_ANSWER_DAYS, ge=1)

    matching_round_interval_s: float = Field(default=3600.0, gt=0)
    expire_requests_interval_s: float = Field(default=900.0, gt=0)
    events_per_message: int = Field(default=200, ge=1, le=1000)
    therapist_cache_max_age_s: float = Field(default=600.0, gt=0)  # full reload as safety net
    # forked processes that choose part of a big round beside the worker (0: choose in it only)
    choosing_helpers: int = Field(default=1, ge=0, le=8)

    def rules(self) -> Rules:
        """The domain's numbers, from these settings."""
        return Rules(
            max_open_requests_per_patient=self.max_open_requests_per_patient,
            cooling_period_days=self.cooling_period_days,
            cooling_after=self.cooling_after.value,
            request_expiry_days=self.request_expiry_days,
            capacity_fresh_days=self.capacity_fresh_days,
            min_overlap_minutes=self.min_overlap_minutes,
            default_max_distance_km=self.default_max_distance_km,
            adult_age=self.adult_age,
            either_age_group_until=self.either_age_group_until,
            full_overlap_minutes=self.full_overlap_minutes,
            travel=self.travel_model(),
            weights=Weights(
                self.weight_distance,
                self.weight_capacity,
                self.weight_response_rate,
                self.weight_availability,
            ),
            patient_order=self.patient_order.value,
        )
