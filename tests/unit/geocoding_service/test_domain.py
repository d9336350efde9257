"""Unit tests of the geocoding rules: distances, estimates, postal codes, normalisation."""

from __future__ import annotations

import math

import pytest

from geocoding_service.domain.addresses import (
    AddressQuery,
    free_form_query,
    is_valid_postal_code,
    normalise_postal_code,
    normalise_query,
)
from geocoding_service.domain.distances import check_destinations, haversine_km, haversine_many
from geocoding_service.domain.locations import Point, is_plausible_location, is_valid_coordinate
from geocoding_service.domain.travel import TravelMode, TravelModel, estimate_travel_minutes

BERLIN = Point(52.5200, 13.4050)
MUNICH = Point(48.1374, 11.5755)
MODEL = TravelModel()


def test_berlin_to_munich_is_about_504_km():
    assert haversine_km(BERLIN.lat, BERLIN.lon, MUNICH.lat, MUNICH.lon) == pytest.approx(504, abs=2)


def test_distance_to_the_same_point_is_zero():
    assert haversine_km(50.0, 8.0, 50.0, 8.0) == 0.0


def test_antipodes_do_not_raise_math_domain_errors():
    assert haversine_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * 6371.0088)


def test_many_distances_match_single_distances():
    dests = [MUNICH, BERLIN, Point(50.7766, 6.0854)]
    many = haversine_many(BERLIN, dests)
    assert many == pytest.approx(
        [haversine_km(BERLIN.lat, BERLIN.lon, d.lat, d.lon) for d in dests]
    )


def test_short_trips_use_the_larger_detour_factor():
    short = estimate_travel_minutes(4.0, TravelMode.CAR, MODEL)
    assert short == pytest.approx(4.0 * 1.4 / 40 * 60 + 5)


def test_long_trips_use_the_normal_detour_factor():
    assert estimate_travel_minutes(10.0, TravelMode.WALK, MODEL) == pytest.approx(
        10 * 1.3 / 4.5 * 60
    )


def test_public_transport_adds_its_access_time():
    assert estimate_travel_minutes(0.0, TravelMode.PUBLIC_TRANSPORT, MODEL) == 10.0


def test_walking_is_slower_than_cycling_is_slower_than_driving_on_long_trips():
    walk, bike, car = (
        estimate_travel_minutes(20.0, m, MODEL)
        for m in (TravelMode.WALK, TravelMode.BICYCLE, TravelMode.CAR)
    )
    assert walk > bike > car


def test_configured_factors_change_the_estimate():
    model = TravelModel(
        detour_factor=2.0,
        short_detour_factor=2.0,
        speeds_kmh={"car": 60.0},
        access_minutes={"car": 0.0},
    )
    assert estimate_travel_minutes(30.0, TravelMode.CAR, model) == pytest.approx(60.0)


@pytest.mark.parametrize("distance", [-1.0, math.nan, math.inf])
def test_estimate_refuses_impossible_distances(distance):
    with pytest.raises(ValueError):
        estimate_travel_minutes(distance, TravelMode.CAR, MODEL)


@pytest.mark.parametrize("code", ["52062", " 52062 ", "D-52062", "01067"])
def test_valid_postal_codes(code):
    assert is_valid_postal_code(code)


@pytest.mark.parametrize("code", ["", "5206", "520622", "5206a", "ABCDE", "52 06"])
def test_invalid_postal_codes(code):
    assert not is_valid_postal_code(code)


def test_postal_code_normalisation_strips_prefix_and_spaces():
    assert normalise_postal_code(" d-52062 ") == "52062"


def test_street_spellings_share_one_cache_key():
    a = normalise_query(AddressQuery("Lindenstraße", "12a", "52062", "Aachen"))
    b = normalise_query(AddressQuery("  lindenstr. ", "12 A", "52062", "AACHEN"))
    c = normalise_query(AddressQuery("Linden Strasse", "12a", "D-52062", " aachen"))
    assert a == b == c


def test_umlauts_are_folded_in_city_names():
    assert normalise_query(AddressQuery(city="Köln")) == normalise_query(AddressQuery(city="Koeln"))


def test_different_house_numbers_give_different_keys():
    one = normalise_query(AddressQuery("Lindenallee", "12", "52062", "Aachen"))
    two = normalise_query(AddressQuery("Lindenallee", "14", "52062", "Aachen"))
    assert one != two


def test_free_form_query_reads_like_an_address():
    query = AddressQuery("Lindenallee", "12a", "52062", "Aachen")
    assert free_form_query(query) == "Lindenallee 12a, 52062 Aachen, Deutschland"


def test_free_form_query_without_street():
    assert free_form_query(AddressQuery(postal_code="52062")) == "52062, Deutschland"


@pytest.mark.parametrize("lat,lon", [(91, 0), (-91, 0), (0, 181), (0, -181), (math.nan, 1)])
def test_out_of_range_coordinates_are_invalid(lat, lon):
    assert not is_valid_coordinate(lat, lon)


def test_null_island_is_not_a_plausible_location():
    assert is_valid_coordinate(0.0, 0.0)
    assert not is_plausible_location(0.0, 0.0)


def test_destination_lists_are_bounded():
    check_destinations([BERLIN], 1)
    with pytest.raises(ValueError):
        check_destinations([BERLIN, MUNICH], 1)
    with pytest.raises(ValueError):
        check_destinations([], 1)
