"""The geocoding client: 200 → point, 404 → not found, 5xx/timeouts → unavailable (retried)."""

import pytest
import requests

from patient_service.clients.geocoding import (
    Address,
    GeocodingUnavailable,
    GeoPoint,
    HttpGeocoder,
    LocationNotFound,
    parse_point,
)
from patient_service.services.locations import locate

ADDRESS = Address("Lindenallee", "12a", "52062", "Aachen")


class FakeResponse:
    def __init__(self, status, body=None):
        self.status_code, self._body, self.text = status, body, str(body)

    def json(self):
        if isinstance(self._body, Exception):
            raise self._body
        return self._body


def client_with(answers):
    client = HttpGeocoder("http://geo.test/", lambda: "tok", attempts=3, backoff_s=0)
    calls = []

    def post(url, json, headers, timeout):
        calls.append((url, json, headers, timeout))
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    client._session.post = post
    return client, calls


OK = FakeResponse(
    200,
    {
        "lat": 50.7766,
        "lon": 6.0854,
        "precision": "street",
        "source": "nominatim",
        "postal_code": "52062",
        "cached": False,
        "fallback_reason": None,
    },
)


def test_answer_becomes_a_point_and_the_call_carries_token_and_address():
    client, calls = client_with([OK])
    assert client.locate(ADDRESS) == GeoPoint(50.7766, 6.0854, "street", "nominatim")
    url, params, headers, timeout = calls[0]
    assert url == "http://geo.test/api/geocode" and headers["Authorization"] == "Bearer tok"
    assert params == {
        "street": "Lindenallee",
        "house_number": "12a",
        "postal_code": "52062",
        "city": "Aachen",
    }
    assert timeout == 2.0


def test_not_found_is_not_retried():
    client, calls = client_with([FakeResponse(404, {"error": {}})])
    with pytest.raises(LocationNotFound):
        client.locate(ADDRESS)
    assert len(calls) == 1


def test_outages_are_retried_then_reported_unavailable():
    client, calls = client_with(
        [requests.ConnectionError(), FakeResponse(503, {}), requests.Timeout()]
    )
    with pytest.raises(GeocodingUnavailable):
        client.locate(ADDRESS)
    assert len(calls) == 3


def test_a_retry_that_succeeds_returns_the_point():
    client, _ = client_with([FakeResponse(502, "<html>"), OK])
    assert client.locate(ADDRESS).precision == "street"


@pytest.mark.parametrize(
    "body",
    [
        {"lat": "north", "lon": 1},
        {"lat": 0, "lon": 0},
        {"lat": 91, "lon": 1},
        {"lon": 1},
        {"lat": 50, "lon": 6, "precision": "planet"},
    ],
)
def test_malformed_answers_are_refused(body):
    with pytest.raises((ValueError, KeyError)):
        parse_point(body)


def test_malformed_json_counts_as_unavailable():
    client, _ = client_with([FakeResponse(200, ValueError("no json"))] * 3)
    with pytest.raises(GeocodingUnavailable):
        client.locate(ADDRESS)


class FakeGeocoder:
    def __init__(self, outcome):
        self.outcome = outcome

    def locate(self, address):
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


@pytest.mark.parametrize(
    "outcome,status",
    [
        (GeoPoint(50.7, 6.1, "postal_code", "zipcode"), "resolved"),
        (LocationNotFound(), "failed"),
        (GeocodingUnavailable(), "pending"),
    ],
)
def test_locate_turns_outcomes_into_location_columns(outcome, status):
    columns = locate(FakeGeocoder(outcome), {"postal_code": "52062"}, now=None, attempts=2)
    assert columns["location_status"] == status
    assert columns["location_attempts"] == 3
    assert (columns["latitude"] is None) is (status != "resolved")
