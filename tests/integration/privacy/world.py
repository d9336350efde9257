"""The privacy tests' world: the six apps on the test database, HTTP between them through
their Flask test clients, and an in-process bus that carries outbox rows to the consumers."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Flask, Response, request
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from sqlalchemy import create_engine, func, select, text
from werkzeug.serving import make_server

from communication_service.clients.directory import HttpDirectory
from shared.kafka.consumer import EventConsumer

_offsets = itertools.count()


class FlaskTransport(BaseAdapter):
    """A `requests` transport that hands each request to the test client of the app that
    listens on the URL's host:port (every service's own HTTP layer runs; no sockets)."""

    def __init__(self) -> None:
        super().__init__()
        self.apps: dict[str, Flask] = {}
        self.down: set[str] = set()

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        parts = urlsplit(request.url or "")
        app = self.apps.get(parts.netloc)
        if app is None or parts.netloc in self.down:
            raise requests.ConnectionError(f"nothing listens on {parts.netloc}")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        answer = app.test_client().open(
            path, method=request.method, headers=dict(request.headers), data=request.body
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.get_data()
        response.headers = CaseInsensitiveDict(answer.headers)
        response.url, response.request, response.encoding = request.url or "", request, "utf-8"
        return response

    def close(self) -> None:
        """Nothing to release."""

    def session(self) -> requests.Session:
        session = requests.Session()
        session.mount("http://", self)
        return session


class RecordingDlq:
    """Stands in for the DLQ producer: a dead letter here fails the test."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Any]] = []

    def send_and_wait(self, topic: str, key: Any, value: bytes) -> None:
        self.sent.append((topic, json.loads(value)["error"]))


class Bus:
    """Reads every service's outbox (rows written after it started) and hands each event to
    the consumers subscribed to its producer, through the real consumer code path."""

    def __init__(self, services: dict[str, Any]) -> None:
        self.dlq = RecordingDlq()
        self.ctxs = {name: s.ctx for name, s in services.items()}
        self.marks = {name: _max_outbox_id(ctx) for name, ctx in self.ctxs.items()}
        self.consumers = {
            name: (s.sources, _consumer(name, s.ctx, s.handlers, self.dlq))
            for name, s in services.items()
            if s.handlers
        }

    def pump(self, rounds: int = 50) -> int:
        """Deliver until no service writes new events; returns how many were delivered."""
        delivered = 0
        for _ in range(rounds):
            moved = sum(self._deliver_new(name) for name in self.ctxs)
            assert not self.dlq.sent, self.dlq.sent
            if not moved:
                return delivered
            delivered += moved
        raise AssertionError("events keep flowing after 50 rounds")

    def _deliver_new(self, producer: str) -> int:
        ctx = self.ctxs[producer]
        table = ctx.tables["outbox"]
        with ctx.session_factory() as session:
            rows = session.execute(
                select(table).where(table.c.id > self.marks[producer]).order_by(table.c.id)
            ).all()
        for row in rows:
            self.marks[producer] = row.id
            message = SimpleNamespace(
                topic=row.topic,
                partition=0,
                offset=next(_offsets),
                key=row.key.encode(),
                value=json.dumps(row.envelope).encode(),
            )
            for sources, consumer in self.consumers.values():
                if producer in sources:
                    consumer.handle_message(message)
        return len(rows)


def _max_outbox_id(ctx: Any) -> int:
    table = ctx.tables["outbox"]
    with ctx.session_factory() as session:
        return int(session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())


def _consumer(name: str, ctx: Any, handlers: dict, dlq: RecordingDlq) -> EventConsumer:
    return EventConsumer(
        bootstrap_servers="127.0.0.1:9092",
        group_id=f"privacy-{name}",
        topics=[],
        handlers=handlers,
        session_factory=ctx.session_factory,
        processed_table=ctx.tables["processed_events"],
        dlq_producer=dlq,  # type: ignore[arg-type]
        max_attempts=1,
    )


class MixedDirectory:
    """Therapist contact data from a dict (no therapist service data needed); patient contact
    data over HTTP from the patient service, as in production."""

    def __init__(self, patient_url: str, token: Any, session: requests.Session) -> None:
        self.therapists: dict[int, dict[str, Any]] = {}
        self._http = HttpDirectory(patient_url, patient_url, token, session=session)

    def therapist(self, therapist_id: int) -> dict[str, Any] | None:
        return self.therapists.get(therapist_id)

    def patient(self, patient_id: int) -> dict[str, Any] | None:
        return self._http.patient(patient_id)


@contextmanager
def fake_nominatim(address: dict[str, str]) -> Iterator[str]:
    """A Nominatim stand-in on a free port that finds every query at `address`."""
    app = Flask("fake_nominatim")
    hit = {
        "place_id": 1,
        "lat": "50.7766",
        "lon": "6.0854",
        "display_name": "privacy test address",
        "address": {
            "house_number": address["house_number"],
            "road": address["street"],
            "city": address["city"],
            "postcode": address["postal_code"],
            "country_code": "de",
        },
    }

    @app.get("/search")
    def search() -> Response:
        assert request.args
        return Response(json.dumps([hit]), mimetype="application/json")

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def tables_holding(admin_url: str, needles: list[str]) -> dict[str, list[str]]:
    """Every table of every schema whose rows, cast to text, contain one of the needles
    (case-insensitive); maps `schema.table` to the needles found there."""
    engine = create_engine(admin_url)
    found: dict[str, list[str]] = {}
    try:
        with engine.connect() as conn:
            tables = conn.execute(
                text(
                    "SELECT table_schema, table_name FROM information_schema.tables "
                    "WHERE table_type = 'BASE TABLE' "
                    "AND table_schema NOT IN ('pg_catalog', 'information_schema')"
                )
            ).all()
            for schema, table in tables:
                hits = _needles_in(conn, f'"{schema}"."{table}"', needles)
                if hits:
                    found[f"{schema}.{table}"] = hits
    finally:
        engine.dispose()
    return found


def _needles_in(conn: Any, table: str, needles: list[str]) -> list[str]:
    return [
        needle
        for needle in needles
        if conn.execute(
            text(f"SELECT EXISTS (SELECT 1 FROM {table} AS t WHERE t::text ILIKE :pattern)"),
            {"pattern": f"%{needle}%"},
        ).scalar()
    ]


PROFILE_FIELDS = ("age", "gender", "complaint_groups", "availability")


def outbox_profiles_of(admin_url: str, patient_id: int) -> dict[str, int]:
    """Per `schema.outbox`: rows that hold the patient's pseudonymous profile (an event about
    the patient, or a list of requests naming the patient, with age, gender, complaint groups
    or availability in it)."""
    engine = create_engine(admin_url)
    found: dict[str, int] = {}
    try:
        with engine.connect() as conn:
            schemas = conn.execute(
                text(
                    "SELECT table_schema FROM information_schema.tables "
                    "WHERE table_name = 'outbox' AND table_type = 'BASE TABLE'"
                )
            ).scalars()
            for schema in schemas:
                rows = conn.execute(text(f'SELECT key, envelope FROM "{schema}".outbox')).all()
                count = sum(_holds_profile(key, env, patient_id) for key, env in rows)
                if count:
                    found[f"{schema}.outbox"] = count
    finally:
        engine.dispose()
    return found


def _holds_profile(key: str, envelope: dict[str, Any], patient_id: int) -> bool:
    payload = envelope.get("payload", {})
    profiles = [payload] if key == f"patient:{patient_id}" else []
    profiles += [
        item.get("patient", {})
        for item in payload.get("requests") or []
        if item.get("patient_id") == patient_id
    ]
    return any(field in profile for profile in profiles for field in PROFILE_FIELDS)
