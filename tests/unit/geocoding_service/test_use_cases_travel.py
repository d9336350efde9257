"""Use cases `travel_time` and `distances_from`: OSRM when it answers, else the estimate."""

from __future__ import annotations

import pytest
from unit.geocoding_service.fakes import FakeContext, FakeRouter

from geocoding_service.clients.osrm import Route
from geocoding_service.domain.errors import TooManyDestinations
from geocoding_service.domain.locations import Point
from geocoding_service.domain.travel import TravelMode, TravelModel
from geocoding_service.services.travel import distances_from, measure_distance, travel_time

AACHEN = Point(50.7766, 6.0854)
COLOGNE = Point(50.9375, 6.9603)


def test_without_a_router_the_trip_is_estimated():
    trip = travel_time(FakeContext(), AACHEN, COLOGNE, TravelMode.CAR)
    assert (trip.method, trip.fallback_reason) == ("estimate", None)
    assert trip.road_distance_km == pytest.approx(measure_distance(AACHEN, COLOGNE) * 1.3)


def test_a_router_answer_is_used_as_is():
    router = FakeRouter(Route(distance_km=72.5, duration_minutes=48.0))
    trip = travel_time(FakeContext(router=router), AACHEN, COLOGNE, TravelMode.CAR)
    assert (trip.method, trip.road_distance_km, trip.duration_minutes) == ("osrm", 72.5, 48.0)
    assert router.calls == [(AACHEN, COLOGNE, "car")]


def test_a_failing_router_falls_back_to_the_estimate_with_its_reason():
    trip = travel_time(FakeContext(router=FakeRouter(None)), AACHEN, COLOGNE, TravelMode.BICYCLE)
    assert (trip.method, trip.fallback_reason) == ("estimate", "OSRM answered HTTP 503")


def test_public_transport_is_never_routed():
    router = FakeRouter(Route(1.0, 1.0))
    trip = travel_time(FakeContext(router=router), AACHEN, COLOGNE, TravelMode.PUBLIC_TRANSPORT)
    assert trip.method == "estimate" and router.calls == []


def test_distances_with_a_mode_add_estimated_minutes_in_input_order():
    rows = distances_from(AACHEN, [COLOGNE, AACHEN], TravelMode.WALK, TravelModel(), 10)
    assert rows[1] == {"distance_km": 0.0, "duration_minutes": 0.0}
    assert rows[0]["distance_km"] == pytest.approx(measure_distance(AACHEN, COLOGNE))
    assert distances_from(AACHEN, [COLOGNE], None, TravelModel(), 10)[0].keys() == {"distance_km"}


def test_more_destinations_than_the_limit_are_a_400():
    with pytest.raises(TooManyDestinations) as refused:
        distances_from(AACHEN, [COLOGNE, COLOGNE], None, TravelModel(), 1)
    assert (refused.value.status, refused.value.code) == (400, "validation_error")
    assert refused.value.message == "Höchstens 1 Ziele pro Anfrage."
    assert refused.value.details == {"destinations": ["at most 1 items"]}
