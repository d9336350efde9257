"""`/api/clock` on one service: 403 without ALLOW_CLOCK_OVERRIDE, 422 for a bad time, 409 for
an earlier one; a PUT or DELETE reaches the five peers first (faked with `responses`) and is
applied here last, so a failing peer makes a 503 naming it and leaves this service unchanged."""

from datetime import UTC, datetime, timedelta

import pytest
import requests
import responses
from responses import matchers
from sqlalchemy import MetaData, create_engine
from sqlalchemy.orm import sessionmaker
from support.fakes import FakeStackClockStore as FakeStore
from support.tokens import token_for

from shared.clock import FakeClock, OverridableClock, StackClock
from shared.config import SERVICE_NAMES, BaseServiceSettings, local_url
from shared.context import ServiceContext
from shared.db import infrastructure_tables
from shared.http.app_factory import create_service_app
from shared.outbox import OutboxWriter

SECRET = "clock-routes-secret-clock-routes-secret"
SELF = "patient_service"
PEERS = [name for name in SERVICE_NAMES if name != SELF]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)


def build(allow: bool = True, store: FakeStore | None = None):
    settings = BaseServiceSettings(
        service_name=SELF,
        jwt_secret=SECRET,
        allow_clock_override=allow,
        rate_limit_enabled=False,
        _env_file=None,
    )
    engine = create_engine("postgresql+psycopg2://nobody@127.0.0.1:1/none")
    tables = infrastructure_tables(MetaData(schema=SELF))  # no audit table: no audit writes
    store = store if store is not None else FakeStore()
    base = StackClock(store, FakeClock(T0)) if allow else FakeClock(T0)
    ctx = ServiceContext(
        settings=settings,
        engine=engine,
        session_factory=sessionmaker(bind=engine),
        tables=tables,
        clock=OverridableClock(base),
        outbox=OutboxWriter(tables["outbox"], SELF, "t"),
    )
    return create_service_app(ctx, "t").test_client(), store


def auth(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(SECRET, 'tester', role)}"}


def peer_url(name: str) -> str:
    return f"{local_url(name)}/api/clock/local"


def answer_peers(method: str, status_of=lambda name: 200, body=None):
    for name in PEERS:
        match = [matchers.json_params_matcher(body)] if body is not None else []
        responses.add(
            method, peer_url(name), json={"service": name}, status=status_of(name), match=match
        )


def test_reading_the_clock_says_real_time_and_not_simulated():
    client, _ = build()
    for role in ("staff", "admin", "service"):
        response = client.get("/api/clock", headers=auth(role))
        assert response.status_code == 200, response.json
        assert response.json == {"now": T0.isoformat(), "simulated": False}
    assert client.get("/api/clock").status_code == 401


def test_without_the_override_setting_is_refused_with_403():
    client, _ = build(allow=False)
    body = {"now": LATER.isoformat()}
    assert client.get("/api/clock", headers=auth("staff")).json["simulated"] is False
    for method, path, role in (
        ("put", "/api/clock", "admin"),
        ("delete", "/api/clock", "admin"),
        ("put", "/api/clock/local", "service"),
    ):
        response = getattr(client, method)(path, json=body, headers=auth(role))
        assert response.status_code == 403, (method, path)
        assert response.json["error"]["code"] == "clock_override_disabled"
    # a peer without the setting is at real time already: returning there is nothing to do
    back = client.delete("/api/clock/local", headers=auth("service"))
    assert back.status_code == 200
    assert back.json == {"now": T0.isoformat(), "simulated": False, "service": SELF}


def test_only_admins_set_it_and_only_services_set_their_local_copy():
    client, store = build()
    body = {"now": LATER.isoformat()}
    assert client.put("/api/clock", json=body, headers=auth("staff")).status_code == 403
    assert client.put("/api/clock", json=body, headers=auth("service")).status_code == 403
    assert client.put("/api/clock/local", json=body, headers=auth("admin")).status_code == 403
    assert store.simulated is None


@pytest.mark.parametrize(
    "body",
    [
        None,
        {},
        {"now": "morgen früh"},
        {"now": 1767600000},
        {"now": "2027-01-04T08:00:00"},  # no offset: which time zone is meant is unknown
        {"now": LATER.isoformat(), "extra": 1},
        [LATER.isoformat()],
    ],
)
def test_a_missing_or_unreadable_or_naive_time_is_422(body):
    client, store = build()
    for path, role in (("/api/clock", "admin"), ("/api/clock/local", "service")):
        response = client.put(path, json=body, headers=auth(role))
        assert response.status_code == 422, (path, body, response.json)
        assert response.json["error"]["code"] == "invalid_clock_time"
    assert store.simulated is None


@responses.activate
def test_a_time_before_real_now_is_409_and_reaches_no_peer():
    client, store = build()
    response = client.put(
        "/api/clock", json={"now": (T0 - timedelta(seconds=1)).isoformat()}, headers=auth("admin")
    )
    assert response.status_code == 409
    assert response.json["error"]["code"] == "clock_not_forward"
    assert len(responses.calls) == 0
    assert store.simulated is None


@responses.activate
def test_setting_it_reaches_the_five_peers_then_this_service_and_never_goes_back():
    client, store = build()
    answer_peers("PUT", body={"now": LATER.isoformat()})
    response = client.put("/api/clock", json={"now": LATER.isoformat()}, headers=auth("admin"))
    assert response.status_code == 200, response.json
    assert response.json == {"now": LATER.isoformat(), "simulated": True, "applied": [*PEERS, SELF]}
    assert store.simulated == LATER
    # the peers are asked at once: each exactly once, in any order
    assert sorted(call.request.url for call in responses.calls) == sorted(map(peer_url, PEERS))
    tokens = {call.request.headers["Authorization"] for call in responses.calls}
    assert all(token.startswith("Bearer ") for token in tokens)
    assert client.get("/api/clock", headers=auth("staff")).json == {
        "now": LATER.isoformat(),
        "simulated": True,
    }
    earlier = client.put(
        "/api/clock", json={"now": (LATER - timedelta(hours=1)).isoformat()}, headers=auth("admin")
    )
    assert earlier.status_code == 409
    assert earlier.json["error"]["details"]["current"] == LATER.isoformat()
    assert len(responses.calls) == len(PEERS)  # the refused one called nobody
    assert store.simulated == LATER


def test_the_peers_call_carries_a_service_token_the_services_accept():
    client, _ = build()
    with responses.RequestsMock() as mocked:
        for name in PEERS:
            mocked.add("PUT", peer_url(name), json={}, status=200)
        client.put("/api/clock", json={"now": LATER.isoformat()}, headers=auth("admin"))
        token = mocked.calls[0].request.headers["Authorization"].removeprefix("Bearer ")
    response = client.get("/api/clock", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


@responses.activate
def test_one_failing_peer_makes_a_503_naming_it_and_this_service_keeps_its_time():
    client, store = build()
    answer_peers("PUT", status_of=lambda name: 500 if name == "matching_service" else 200)
    responses.replace("PUT", peer_url("geocoding_service"), body=requests.ConnectionError("down"))
    response = client.put("/api/clock", json={"now": LATER.isoformat()}, headers=auth("admin"))
    assert response.status_code == 503
    error = response.json["error"]
    assert error["code"] == "clock_peers_failed"
    assert set(error["details"]["failed"]) == {"matching_service", "geocoding_service"}
    assert error["details"]["failed"]["geocoding_service"] == "ConnectionError"
    assert "matching_service" in error["message"] and "geocoding_service" in error["message"]
    assert store.simulated is None  # not applied here: the same PUT again finishes the job
    assert client.get("/api/clock", headers=auth("staff")).json["simulated"] is False


@responses.activate
def test_a_peer_that_is_ahead_fails_the_change_with_its_code():
    client, store = build()
    answer_peers("PUT")
    responses.replace(
        "PUT",
        peer_url("scraping_service"),
        json={"error": {"code": "clock_not_forward", "message": "x", "details": {}}},
        status=409,
    )
    response = client.put("/api/clock", json={"now": LATER.isoformat()}, headers=auth("admin"))
    assert response.status_code == 503
    assert response.json["error"]["details"]["failed"] == {
        "scraping_service": "HTTP 409 clock_not_forward"
    }
    assert store.simulated is None


@responses.activate
def test_delete_returns_every_service_to_real_time():
    client, store = build(store=FakeStore(LATER))
    answer_peers("DELETE")
    response = client.delete("/api/clock", headers=auth("admin"))
    assert response.status_code == 200, response.json
    assert response.json == {"now": T0.isoformat(), "simulated": False, "applied": [*PEERS, SELF]}
    assert [call.request.method for call in responses.calls] == ["DELETE"] * len(PEERS)
    assert store.simulated is None


@responses.activate
def test_delete_with_a_failing_peer_keeps_this_service_simulated():
    client, store = build(store=FakeStore(LATER))
    answer_peers("DELETE", status_of=lambda name: 503 if name == "therapist_service" else 200)
    response = client.delete("/api/clock", headers=auth("admin"))
    assert response.status_code == 503
    assert list(response.json["error"]["details"]["failed"]) == ["therapist_service"]
    assert store.simulated == LATER


def test_the_local_copy_moves_forward_only():
    client, store = build(store=FakeStore(LATER))
    same = client.put("/api/clock/local", json={"now": LATER.isoformat()}, headers=auth("service"))
    assert same.status_code == 200  # a retry of the same instant is fine
    assert same.json == {"now": LATER.isoformat(), "simulated": True, "service": SELF}
    earlier = (LATER - timedelta(days=1)).isoformat()
    refused = client.put("/api/clock/local", json={"now": earlier}, headers=auth("service"))
    assert refused.status_code == 409
    assert store.simulated == LATER
    cleared = client.delete("/api/clock/local", headers=auth("service"))
    assert cleared.status_code == 200
    assert cleared.json == {"now": T0.isoformat(), "simulated": False, "service": SELF}


def test_a_request_after_another_process_moved_the_clock_sees_the_new_time():
    client, store = build(store=FakeStore(LATER))
    assert client.get("/api/clock", headers=auth("staff")).get_json()["now"] == LATER.isoformat()
    store.simulated = LATER + timedelta(hours=11)  # written by another gunicorn worker
    answer = client.get("/api/clock", headers=auth("staff")).get_json()
    assert answer["now"] == (LATER + timedelta(hours=11)).isoformat()


def test_the_routes_are_documented():
    client, _ = build()
    paths = client.get("/openapi.json").json["paths"]
    assert set(paths["/api/clock"]) == {"get", "put", "delete"}
    assert set(paths["/api/clock/local"]) == {"put", "delete"}
    assert "requestBody" in paths["/api/clock"]["put"]
    assert paths["/api/clock"]["put"]["x-roles"] == ["admin"]
    assert paths["/api/clock/local"]["put"]["x-roles"] == ["service"]
