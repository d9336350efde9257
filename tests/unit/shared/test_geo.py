"""The shared travel-time estimate and its settings: one source of truth for the factors."""

import pytest

from shared.geo import TravelModel, estimate_travel_minutes, haversine_km
from shared.travel_settings import TravelSettings


def test_settings_defaults_are_the_model_defaults():
    assert TravelSettings(_env_file=None).travel_model() == TravelModel()


def test_settings_override_one_factor(monkeypatch):
    monkeypatch.setenv("SPEED_WALK_KMH", "5")
    assert TravelSettings(_env_file=None).travel_model().speeds_kmh["walk"] == 5.0


def test_short_trips_use_the_larger_detour_factor():
    model = TravelModel()
    assert estimate_travel_minutes(4.0, "car", model) == pytest.approx(4 * 1.4 / 40 * 60 + 5)
    assert estimate_travel_minutes(5.0, "car", model) == pytest.approx(5 * 1.3 / 40 * 60 + 5)


def test_negative_distance_is_refused():
    with pytest.raises(ValueError):
        estimate_travel_minutes(-1.0, "walk", TravelModel())


def test_haversine_berlin_munich():
    assert haversine_km(52.52, 13.405, 48.137, 11.575) == pytest.approx(504, abs=2)
