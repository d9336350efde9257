"""Distances and travel times over HTTP, with and without a (fake) OSRM router."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

BERLIN_TO_MUNICH = {"from_lat": 52.52, "from_lon": 13.405, "to_lat": 48.1374, "to_lon": 11.5755}


@pytest.fixture
def osrm_app(make_app, osrm):
    return make_app(osrm_base_url=osrm.url)


def test_distance_is_haversine_km(make_app, auth):
    response = (
        make_app().test_client().get("/api/distance", query_string=BERLIN_TO_MUNICH, headers=auth)
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "distance_km": pytest.approx(504.3, abs=0.5),
        "method": "haversine",
    }


@pytest.mark.parametrize(
    "query",
    [
        "from_lat=52&from_lon=13&to_lat=48",  # missing coordinate
        "from_lat=north&from_lon=13&to_lat=48&to_lon=11",  # not a number
        "from_lat=91&from_lon=13&to_lat=48&to_lon=11",  # out of range
        "from_lat=52&from_lon=-181&to_lat=48&to_lon=11",
        "from_lat=nan&from_lon=13&to_lat=48&to_lon=11",
        "from_lat=inf&from_lon=13&to_lat=48&to_lon=11",
    ],
)
def test_bad_coordinates_are_400_naming_the_field(make_app, auth, query):
    client = make_app().test_client()
    for path in ("/api/distance", "/api/travel-time"):
        response = client.get(f"{path}?{query}", headers=auth)
        assert response.status_code == 400
        assert response.get_json()["error"]["details"]


def test_travel_time_without_router_is_an_estimate(make_app, auth):
    query = {**BERLIN_TO_MUNICH, "mode": "car"}
    body = (
        make_app()
        .test_client()
        .get("/api/travel-time", query_string=query, headers=auth)
        .get_json()
    )
    assert body["method"] == "estimate" and body["fallback_reason"] is None
    assert body["road_distance_km"] == pytest.approx(body["distance_km"] * 1.3)
    assert body["duration_minutes"] == pytest.approx(body["road_distance_km"] / 40 * 60 + 5)


def test_unknown_mode_is_rejected(make_app, auth):
    query = {**BERLIN_TO_MUNICH, "mode": "teleport"}
    response = make_app().test_client().get("/api/travel-time", query_string=query, headers=auth)
    assert response.status_code == 400 and "mode" in response.get_json()["error"]["details"]


def test_travel_time_uses_osrm_where_configured(osrm_app, osrm, auth):
    query = {**BERLIN_TO_MUNICH, "mode": "bicycle"}
    body = (
        osrm_app.test_client().get("/api/travel-time", query_string=query, headers=auth).get_json()
    )
    assert body["method"] == "osrm"
    assert body["road_distance_km"] == pytest.approx(12.3456)
    assert body["duration_minutes"] == pytest.approx(987.0 / 60)
    [sent] = osrm.requests
    assert sent["path"] == "/route/v1/cycling/13.405000,52.520000;11.575500,48.137400"
    assert sent["args"] == {"overview": "false"}


def test_public_transport_never_asks_osrm(osrm_app, osrm, auth):
    query = {**BERLIN_TO_MUNICH, "mode": "public_transport"}
    body = (
        osrm_app.test_client().get("/api/travel-time", query_string=query, headers=auth).get_json()
    )
    assert body["method"] == "estimate" and osrm.requests == []


def test_osrm_429_is_retried(osrm_app, osrm, auth):
    osrm.script.append("429")
    body = (
        osrm_app.test_client()
        .get("/api/travel-time", query_string=BERLIN_TO_MUNICH, headers=auth)
        .get_json()
    )
    assert body["method"] == "osrm" and len(osrm.requests) == 2


@pytest.mark.parametrize(
    "failure", ["500", "503", "timeout", "malformed", "no_route", "no_routes", "negative"]
)
def test_osrm_failure_falls_back_to_the_estimate(osrm_app, osrm, auth, failure):
    osrm.script.extend([failure] * 3)
    response = osrm_app.test_client().get(
        "/api/travel-time", query_string=BERLIN_TO_MUNICH, headers=auth
    )
    body = response.get_json()
    assert response.status_code == 200
    assert body["method"] == "estimate" and body["fallback_reason"]
    assert body["duration_minutes"] > 0


def test_unreachable_osrm_falls_back_to_the_estimate(make_app, auth):
    app = make_app(osrm_base_url="http://127.0.0.1:9", osrm_attempts=1)
    body = (
        app.test_client()
        .get("/api/travel-time", query_string=BERLIN_TO_MUNICH, headers=auth)
        .get_json()
    )
    assert body["method"] == "estimate" and "unreachable" in body["fallback_reason"]


def _destinations(n: int) -> list[dict]:
    return [
        {"id": f"t{i}", "lat": 47.5 + (i % 70) / 10, "lon": 6.0 + (i % 90) / 10} for i in range(n)
    ]


def test_one_origin_to_a_thousand_destinations(make_app, auth):
    body = {
        "origin": {"lat": 52.52, "lon": 13.405},
        "destinations": _destinations(1000),
        "mode": "walk",
    }
    response = make_app().test_client().post("/api/distances", json=body, headers=auth)
    data = response.get_json()
    assert response.status_code == 200
    assert data["count"] == 1000 and data["method"] == "estimate"
    assert [item["id"] for item in data["items"]][:3] == ["t0", "t1", "t2"]
    assert all(item["duration_minutes"] > 0 for item in data["items"])


def test_distances_without_mode_are_plain_km(make_app, auth):
    body = {
        "origin": {"lat": 52.52, "lon": 13.405},
        "destinations": [{"lat": 48.1374, "lon": 11.5755}],
    }
    data = make_app().test_client().post("/api/distances", json=body, headers=auth).get_json()
    assert data["method"] == "haversine"
    assert data["items"] == [
        {
            "index": 0,
            "id": None,
            "distance_km": pytest.approx(504.3, abs=0.5),
            "duration_minutes": None,
        }
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"origin": {"lat": 52.5, "lon": 13.4}, "destinations": _destinations(1001)},
        {"origin": {"lat": 52.5, "lon": 13.4}, "destinations": []},
        {"origin": {"lat": 95, "lon": 13.4}, "destinations": _destinations(1)},
        {"origin": {"lat": 52.5}, "destinations": _destinations(1)},
        {"destinations": _destinations(1)},
        {"origin": {"lat": 52.5, "lon": 13.4}, "destinations": [{"lat": "x", "lon": 1}]},
        {"origin": {"lat": 52.5, "lon": 13.4}, "destinations": _destinations(1), "extra": 1},
        [1, 2, 3],
    ],
)
def test_bad_distance_requests_are_400(make_app, auth, body):
    response = make_app().test_client().post("/api/distances", json=body, headers=auth)
    assert response.status_code == 400
    assert response.get_json()["error"]["details"]


def test_1001_destinations_says_the_limit(make_app, auth):
    body = {"origin": {"lat": 52.5, "lon": 13.4}, "destinations": _destinations(1001)}
    response = make_app().test_client().post("/api/distances", json=body, headers=auth)
    assert "1000" in str(response.get_json()["error"]["details"]["destinations"])


def test_configured_limit_below_1000_is_enforced(make_app, auth):
    body = {"origin": {"lat": 52.5, "lon": 13.4}, "destinations": _destinations(3)}
    app = make_app(max_destinations=2)
    assert app.test_client().post("/api/distances", json=body, headers=auth).status_code == 400
