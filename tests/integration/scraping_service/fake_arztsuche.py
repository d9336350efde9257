"""A local fake of the 116117 Arztsuche: session cookie, credential, headers, capped lists."""

from __future__ import annotations

import base64
import copy
import json
import math
import random
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, request
from integration.scraping_service.helpers import FIXTURES
from werkzeug.serving import make_server

from scraping_service.clients.arztsuche import req_val
from scraping_service.domain.tiling import distance_km, offset

CAP = 50
SLOW_S = 1.5


@dataclass
class FakeArztsuche:
    """Serves `practices`; misbehaves on purpose where the test says so."""

    credential: str
    practices: list[dict[str, Any]]
    slow_requests: set[int] = field(default_factory=set)  # POST numbers answered too late
    expire_sessions_at: set[int] = field(default_factory=set)  # POST numbers that drop the session
    sessions: set[str] = field(default_factory=set)
    posts: int = 0
    answers: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self) -> Flask:
        app = Flask("fake_arztsuche")
        app.add_url_rule("/", "site", self.site)
        app.add_url_rule("/api/data", "data", self.data, methods=["POST"])
        return app

    def site(self) -> Response:
        session = uuid.uuid4().hex
        self.sessions.add(session)
        response = Response("<html>Arztsuche</html>", mimetype="text/html")
        response.set_cookie("JSESSIONID", session, httponly=True)
        return response

    def data(self) -> Response:
        with self.lock:
            self.posts += 1
            number = self.posts
        body = request.get_json(silent=True) or {}
        refusal = self._refusal(body, number)
        if refusal is not None:
            self.answers.append(refusal[0])
            return refusal[1]
        if number in self.slow_requests:
            self.answers.append("slow")
            time.sleep(SLOW_S)
        self.answers.append("ok")
        return Response(json.dumps(self._search(body)), mimetype="application/json")

    def _refusal(self, body: dict[str, Any], number: int) -> tuple[str, Response] | None:
        expected_auth = "Basic " + base64.b64encode(self.credential.encode()).decode()
        if request.headers.get("Authorization") != expected_auth:
            return "401", Response("", 401)
        if self._bad_headers(body):
            return "403", Response("", 403)
        if number in self.expire_sessions_at:
            self.sessions.clear()
        if request.cookies.get("JSESSIONID") not in self.sessions:
            return "500-no-session", Response(b"", 500)
        return None

    def _bad_headers(self, body: dict[str, Any]) -> bool:
        h = request.headers
        checks = {
            "origin": h.get("Origin") == self.url,
            "referer": h.get("Referer") == self.url + "/",
            "user-agent": "Mozilla/5.0" in h.get("User-Agent", ""),
            "req-val": h.get("req-val") == req_val(body.get("lat", 0), body.get("lon", 0)),
            "json": h.get("Accept", "").startswith("application/json"),
        }
        bad = [name for name, ok in checks.items() if not ok]
        self.problems.extend(bad)
        return bool(bad)

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        lat, lon, radius = float(body["lat"]), float(body["lon"]), float(body["r"])
        hits = sorted(
            (distance_km(lat, lon, p["lat"], p["lon"]), p["id"], p) for p in self.practices
        )
        inside = [dict(p, distance=int(d * 1000)) for d, _, p in hits if d <= radius]
        return {"arztPraxisDatas": inside[:CAP], "moreResults": len(inside) > CAP}


def population(tag: str, count: int, lat: float, lon: float, radius_km: float) -> list[dict]:
    """`count` valid practices spread evenly over a disc (copies of fixture practices)."""
    templates = json.loads((FIXTURES / "aachen_page1.json").read_text())["arztPraxisDatas"]
    rnd = random.Random(count)
    out = []
    for n in range(count):
        item = copy.deepcopy(templates[n % len(templates)])
        distance, bearing = radius_km * math.sqrt(rnd.random()), rnd.uniform(0, 2 * math.pi)
        item["lat"], item["lon"] = (
            round(v, 5)
            for v in offset(lat, lon, distance * math.cos(bearing), distance * math.sin(bearing))
        )
        item["id"] = f"{tag}-live-{n:04d}"
        out.append(item)
    return out


def serve(fake: FakeArztsuche) -> Iterator[FakeArztsuche]:
    server = make_server("127.0.0.1", 0, fake.app(), threaded=True)
    fake.port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        thread.join(timeout=5)
