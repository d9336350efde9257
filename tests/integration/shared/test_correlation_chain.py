"""One correlation id across two services: the patient service's HTTP request → the event in its
outbox → the matching consumer's log records → the events matching writes while handling it.

The envelope travels from the patient outbox to the matching consumer as the exact bytes the
relay publishes (broker delivery itself is covered by test_event_pipeline.py)."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import select, text
from support.testdb import TEST_DB

from matching_service.app import build_service_context as matching_context
from matching_service.config import Settings as MatchingSettings
from matching_service.handlers import build_handlers
from patient_service.app import create_app as patient_app
from patient_service.clients.geocoding import GeoPoint
from patient_service.config import Settings as PatientSettings
from shared.correlation import CorrelationFilter
from shared.events.therapist import OfferItem, TherapistCreated
from shared.http.auth import issue_token
from shared.kafka.consumer import EventConsumer

pytestmark = pytest.mark.integration
SECRET = "correlation-secret-correlation-secret"
AACHEN = (50.7766, 6.0854)
MATCHING_TABLES = (
    "placement_requests, matching_runs, patients, therapists, exclusions, cooling_periods, "
    "outbox, processed_events"
)
PATIENT = {
    "salutation": "Frau",
    "first_name": "Paula",
    "last_name": "Muster",
    "gender": "female",
    "birth_date": "1990-05-01",
    "email": "paula@example.org",
    "phone": "0241 7654321",
    "address": {
        "street": "Lindenallee",
        "house_number": "3",
        "postal_code": "52062",
        "city": "Aachen",
    },
    "insurance": {"type": "statutory", "insurer": "AOK", "number": "A123456789"},
    "symptoms": ["depressed_mood"],
    "initial_consultation_date": "2026-01-02",
    "preferences": {"procedures": ["VT"], "max_distance_km": 25},
    "consent": {"version": "2026-01", "given_at": "2026-01-02T10:00:00+01:00"},
}


class AachenGeocoder:
    def locate(self, address):
        return GeoPoint(AACHEN[0], AACHEN[1], "street", "test")


class Records(logging.Handler):
    """Keeps the records (stamped with the ids, as the JSON log handler stamps them)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.addFilter(CorrelationFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def captured():
    handler, logger = Records(), logging.getLogger("shared.kafka.consumer")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler.records
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture
def patients(migrated_db, topic_prefix):
    settings = PatientSettings(
        db_name=TEST_DB,
        database_url=None,
        jwt_secret=SECRET,
        kafka_topic_prefix=topic_prefix,
        _env_file=None,
    )
    app = patient_app(settings, geocoder=AachenGeocoder())
    yield app
    app.extensions["psymatch"].engine.dispose()


@pytest.fixture
def matching(migrated_db, topic_prefix):
    settings = MatchingSettings(_env_file=None, db_name=TEST_DB, kafka_topic_prefix=topic_prefix)
    ctx = matching_context(settings)
    with ctx.engine.begin() as conn:
        tables = ", ".join(f"matching_service.{t.strip()}" for t in MATCHING_TABLES.split(","))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    consumer = EventConsumer(
        bootstrap_servers="127.0.0.1:9092",
        group_id="matching_service",
        topics=[],
        handlers=build_handlers(ctx),
        session_factory=ctx.session_factory,
        processed_table=ctx.tables["processed_events"],
        dlq_producer=None,
        max_attempts=1,
    )
    yield SimpleNamespace(ctx=ctx, consumer=consumer)
    ctx.engine.dispose()


def deliver(consumer: EventConsumer, envelope: dict, offset: int) -> str:
    """The message as the relay publishes an outbox row."""
    value = json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()
    message = SimpleNamespace(
        topic="patient-events", partition=0, offset=offset, key=b"k", value=value
    )
    return consumer.handle_message(message)


def outbox_envelopes(ctx, event_type: str) -> list[dict]:
    table = ctx.tables["outbox"]
    query = select(table.c.envelope).where(table.c.event_type == event_type).order_by(table.c.id)
    with ctx.engine.connect() as conn:
        return list(conn.execute(query).scalars())


def therapist_nearby() -> TherapistCreated:
    return TherapistCreated(
        therapist_id=uuid.uuid4().int % 10**9 + 10**9,
        gender="female",
        latitude=AACHEN[0] + 0.01,
        longitude=AACHEN[1],
        offers=[OfferItem(procedure="VT", age_group="adults", setting="individual")],
        statutory_licence=True,
        status="active",
        has_email=True,
    )


def test_the_request_correlation_id_travels_into_matching_and_its_events(
    patients, matching, captured
):
    therapist = therapist_nearby().envelope("therapist_service", datetime.now(UTC))
    assert deliver(matching.consumer, therapist.to_dict(), offset=1) == "applied"
    client = patients.test_client()
    staff = {"Authorization": f"Bearer {issue_token(SECRET, 'staff-1', 'staff')}"}
    patient = client.post("/api/patients", json=PATIENT, headers=staff).json
    correlation_id = f"case-{uuid.uuid4()}"
    started = client.put(
        f"/api/patients/{patient['id']}/status",
        json={"status": "searching"},
        headers={**staff, "X-Correlation-ID": correlation_id},
    )
    assert started.status_code == 200, started.json
    assert started.headers["X-Correlation-ID"] == correlation_id

    [search_started] = [
        e
        for e in outbox_envelopes(patients.extensions["psymatch"], "patient.search_started")
        if e["payload"]["patient_id"] == patient["id"]
    ]
    assert search_started["correlation_id"] == correlation_id
    assert deliver(matching.consumer, search_started, offset=2) == "applied"
    applied = [r for r in captured if search_started["event_id"] in r.getMessage()]
    assert [r.correlation_id for r in applied] == [correlation_id]

    [created] = outbox_envelopes(matching.ctx, "matching.placement_requests_created")
    assert [r["patient_id"] for r in created["payload"]["requests"]] == [patient["id"]]
    assert created["correlation_id"] == correlation_id
