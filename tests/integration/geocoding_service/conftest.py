"""Fixtures: migrated test database, app factory, and fake Nominatim / OSRM servers on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask, Response, request
from sqlalchemy import delete, select
from support.testdb import TEST_DB
from werkzeug.serving import make_server

from geocoding_service.app import create_app
from geocoding_service.config import Settings
from shared.clock import FakeClock
from shared.http.auth import issue_token

pytestmark = pytest.mark.integration

SLOW_S = 1.5  # how long a "timeout" answer takes; clients in tests wait less


@pytest.fixture(scope="session", autouse=True)
def migrated_database(migrated_db: str) -> str:
    """Every test here needs the schemas at head (the shared fixture migrates once)."""
    return migrated_db


@dataclass
class FakeServer:
    """A small HTTP server whose next answers follow a script (default: a normal answer)."""

    app: Flask
    script: deque[str] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    def next_behaviour(self) -> str:
        self.requests.append(
            {
                "path": request.path,
                "args": request.args.to_dict(),
                "headers": dict(request.headers),
                "at": time.monotonic(),
            }
        )
        return self.script.popleft() if self.script else "ok"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _failure(behaviour: str) -> Response | None:
    """Shared misbehaviours of both fakes; None means 'answer normally'."""
    if behaviour == "timeout":
        time.sleep(SLOW_S)
        return Response("[]", mimetype="application/json")
    if behaviour == "429":
        return Response("Too Many Requests", 429, {"Retry-After": "0"})
    if behaviour in ("500", "502", "503", "504"):
        return Response("<html>error</html>", int(behaviour), mimetype="text/html")
    if behaviour == "malformed":
        return Response("<html>not json", 200, mimetype="application/json")
    return None


def _serve(fake: FakeServer) -> Iterator[FakeServer]:
    server = make_server("127.0.0.1", 0, fake.app, threaded=True)
    fake.port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        thread.join(timeout=5)


NOMINATIM_HIT = {
    "place_id": 1,
    "lat": "50.7766",
    "lon": "6.0854",
    "display_name": "12a, Lindenallee, Aachen, 52062, Deutschland",
    "address": {
        "house_number": "12a",
        "road": "Lindenallee",
        "city": "Aachen",
        "postcode": "52062",
        "country": "Deutschland",
        "country_code": "de",
    },
}


def _nominatim_app(fake_ref: list[FakeServer]) -> Flask:
    app = Flask("fake_nominatim")

    @app.get("/search")
    def search() -> Response:
        behaviour = fake_ref[0].next_behaviour()
        failed = _failure(behaviour)
        if failed is not None:
            return failed
        bodies = {
            "ok": [NOMINATIM_HIT],
            "empty": [],
            "wrong_shape": [{"lat": "north"}],
            "town_only": [{**NOMINATIM_HIT, "address": {"city": "Aachen"}}],
            "null_island": [{**NOMINATIM_HIT, "lat": "0", "lon": "0"}],
        }
        return Response(json.dumps(bodies[behaviour]), mimetype="application/json")

    return app


def _osrm_app(fake_ref: list[FakeServer]) -> Flask:
    app = Flask("fake_osrm")

    @app.get("/route/v1/<profile>/<path:coords>")
    def route(profile: str, coords: str) -> Response:
        behaviour = fake_ref[0].next_behaviour()
        failed = _failure(behaviour)
        if failed is not None:
            return failed
        bodies = {
            "ok": {
                "code": "Ok",
                "routes": [{"distance": 12345.6, "duration": 987.0, "legs": [], "weight": 987.0}],
                "waypoints": [],
            },
            "no_route": {"code": "NoRoute", "message": "Impossible route"},
            "no_routes": {"code": "Ok", "routes": []},
            "negative": {"code": "Ok", "routes": [{"distance": -1, "duration": 5}]},
        }
        status = 400 if behaviour == "no_route" else 200
        return Response(json.dumps(bodies[behaviour]), status, mimetype="application/json")

    return app


def _fake(builder: Callable[[list[FakeServer]], Flask]) -> Iterator[FakeServer]:
    ref: list[FakeServer] = []
    fake = FakeServer(builder(ref))
    ref.append(fake)
    yield from _serve(fake)


@pytest.fixture
def nominatim() -> Iterator[FakeServer]:
    yield from _fake(_nominatim_app)


@pytest.fixture
def osrm() -> Iterator[FakeServer]:
    yield from _fake(_osrm_app)


def _settings(**overrides: Any) -> Settings:
    """Settings for the test database with fast retries and no rate-limit waits."""
    base: dict[str, Any] = {
        "db_name": TEST_DB,
        "database_url": None,
        "nominatim_min_interval_s": 0.0,
        "nominatim_backoff_s": 0.0,
        "osrm_backoff_s": 0.0,
        "nominatim_timeout_s": 0.5,
        "osrm_timeout_s": 0.5,
    }
    return Settings(**{**base, **overrides})


@pytest.fixture
def make_app() -> Iterator[Callable[..., Flask]]:
    """Build apps for one test; their connection pools are closed afterwards."""
    built: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        app = create_app(settings=_settings(**overrides), clock=FakeClock())
        built.append(app)
        return app

    yield build
    for app in built:
        app.extensions["psymatch"].engine.dispose()


@pytest.fixture
def nominatim_app(make_app, nominatim) -> Flask:
    return make_app(
        geocoding_provider="nominatim",
        nominatim_scheme="http",
        nominatim_host="127.0.0.1",
        nominatim_port=nominatim.port,
        nominatim_user_agent="psymatch-tests/1.0",
    )


@pytest.fixture
def auth() -> dict[str, str]:
    token = issue_token(Settings().jwt_secret.get_secret_value(), "test", "staff")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def forget() -> Callable[[Flask, str], None]:
    return _forget_cache


@pytest.fixture
def outbox() -> Callable[[Flask, str], list[dict[str, Any]]]:
    return _outbox_events


def _forget_cache(app: Flask, prefix: str) -> None:
    """Delete this test's cache rows (keys starting with `prefix`)."""
    ctx = app.extensions["psymatch"]
    table = ctx.tables["geocode_cache"]
    with ctx.session_factory() as session:
        session.execute(delete(table).where(table.c.query_key.startswith(prefix)))
        session.commit()


def _outbox_events(app: Flask, key: str) -> list[dict[str, Any]]:
    """Envelopes in the outbox for one message key, oldest first."""
    ctx = app.extensions["psymatch"]
    table = ctx.tables["outbox"]
    with ctx.session_factory() as session:
        rows = (
            session.execute(select(table.c.envelope).where(table.c.key == key).order_by(table.c.id))
            .scalars()
            .all()
        )
    return list(rows)
