"""Fixtures: the patient app on the test database with a fake geocoder, tokens, outbox reads."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from support.testdb import TEST_DB

from patient_service.app import create_app
from patient_service.clients.geocoding import (
    Address,
    GeocodingUnavailable,
    GeoPoint,
    LocationNotFound,
)
from patient_service.config import Settings
from shared.clock import FakeClock
from shared.http.auth import issue_token

pytestmark = pytest.mark.integration

SECRET = "patient-tests-secret-patient-tests-secret"

PATIENT = {
    "salutation": "Frau",
    "first_name": "Anna",
    "last_name": "Muster",
    "gender": "female",
    "birth_date": "1990-05-01",
    "email": "anna.muster@example.org",
    "phone": "0241 1234567",
    "address": {
        "street": "Lindenallee",
        "house_number": "12a",
        "postal_code": "52062",
        "city": "Aachen",
    },
    "insurance": {"type": "statutory", "insurer": "AOK Rheinland", "number": "A123456789"},
    "symptoms": ["depressed_mood", "sleep_problems"],
    "diagnosis_icd10": "F32.1",
    "initial_consultation_date": "2025-12-15",
    "previous_therapy": {"had_therapy": True, "last_session_date": "2020-06-30"},
    "preferences": {
        "procedures": ["VT", "TP"],
        "therapist_gender": "any",
        "languages": ["en"],
        "group_ok": False,
        "barrier_free": False,
        "max_distance_km": 20,
        "travel_mode": "public_transport",
        "max_travel_minutes": 45,
    },
    "availability": {"mon": ["09:00-12:00"], "thu": ["14:00-18:00"]},
    "consent": {"version": "2026-01", "given_at": "2026-01-02T10:00:00+01:00"},
}


@pytest.fixture(scope="session", autouse=True)
def migrated_database(migrated_db: str) -> str:
    return migrated_db


class FakeGeocoder:
    """Answers like the geocoding service: `ok`, `down` (unavailable) or `not_found`."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.calls: list[Address] = []

    def locate(self, address: Address) -> GeoPoint:
        self.calls.append(address)
        if self.mode == "down":
            raise GeocodingUnavailable("connection refused")
        if self.mode == "not_found":
            raise LocationNotFound("404")
        return GeoPoint(50.776649, 6.085432, "street", "nominatim")


@pytest.fixture
def geocoder() -> FakeGeocoder:
    return FakeGeocoder()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def settings(prefix: str = "", **overrides: Any) -> Settings:
    return Settings(
        db_name=TEST_DB,
        database_url=None,
        jwt_secret=SECRET,
        kafka_topic_prefix=prefix,
        _env_file=None,
        **overrides,
    )


@pytest.fixture
def make_app(clock, geocoder) -> Iterator[Callable[..., Flask]]:
    built: list[Flask] = []

    def build(prefix: str = "", **overrides: Any) -> Flask:
        app = create_app(settings(prefix, **overrides), clock=clock, geocoder=geocoder)
        built.append(app)
        return app

    yield build
    for app in built:
        app.extensions["psymatch"].engine.dispose()


@pytest.fixture
def app(make_app) -> Flask:
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, 'staff-anna', 'staff')}"}


@pytest.fixture
def admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(SECRET, 'admin-bob', 'admin')}"}


@pytest.fixture
def body() -> Callable[..., dict[str, Any]]:
    def make(**changes: Any) -> dict[str, Any]:
        return {**copy.deepcopy(PATIENT), **changes}

    return make


@pytest.fixture
def create(client, auth, body) -> Callable[..., dict[str, Any]]:
    def make(**changes: Any) -> dict[str, Any]:
        response = client.post("/api/patients", json=body(**changes), headers=auth)
        assert response.status_code == 201, response.json
        return response.json

    return make


def outbox_events(app: Flask, patient_id: int, after_id: int = 0) -> list[dict[str, Any]]:
    """Envelopes in the outbox for one patient (rows after `after_id`), oldest first."""
    ctx = app.extensions["psymatch"]
    table = ctx.tables["outbox"]
    with ctx.session_factory() as session:
        rows = (
            session.execute(
                select(table.c.envelope)
                .where(table.c.key == f"patient:{patient_id}", table.c.id > after_id)
                .order_by(table.c.id)
            )
            .scalars()
            .all()
        )
    return list(rows)


@pytest.fixture
def outbox(app) -> Callable[[Flask, int], list[dict[str, Any]]]:
    """Outbox reads that ignore rows written before this test (ids may repeat after resets)."""
    ctx = app.extensions["psymatch"]
    table = ctx.tables["outbox"]
    with ctx.session_factory() as session:
        start = session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return lambda flask_app, patient_id: outbox_events(flask_app, patient_id, start)
