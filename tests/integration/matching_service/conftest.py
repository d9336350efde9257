"""Fixtures: the matching app on psymatch_test, a consumer fed with envelopes, event builders."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select, text
from support.pipeline import fast_producer
from support.testdb import TEST_DB
from support.tokens import token_for

from matching_service.app import create_app
from matching_service.config import Settings
from matching_service.handlers import build_handlers
from shared.clock import FakeClock
from shared.events.patient import PatientSearchStarted
from shared.events.therapist import OfferItem, TherapistCreated
from shared.kafka.consumer import EventConsumer

pytestmark = pytest.mark.integration

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AACHEN = (50.777, 6.085)
TABLES = (
    "placement_requests",
    "matching_runs",
    "patients",
    "therapists",
    "exclusions",
    "cooling_periods",
    "outbox",
    "processed_events",
    "job_runs",
    "idempotency_keys",
)
_offsets = itertools.count()


@pytest.fixture(scope="session", autouse=True)
def migrated_database(migrated_db: str) -> str:
    return migrated_db


def settings(prefix: str = "", **overrides: Any) -> Settings:
    return Settings(
        _env_file=None,
        db_name=TEST_DB,
        kafka_topic_prefix=prefix,
        allow_clock_override=True,
        **overrides,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def app(clock, topic_prefix):
    app = create_app(settings(topic_prefix), clock=clock)
    ctx = app.extensions["psymatch"]
    with ctx.engine.begin() as conn:
        conn.execute(
            text(
                "TRUNCATE "
                + ", ".join(f"matching_service.{t}" for t in TABLES)
                + " RESTART IDENTITY CASCADE"
            )
        )
    yield app
    ctx.engine.dispose()


@pytest.fixture
def ctx(app):
    return app.extensions["psymatch"]


class Feeder:
    """Delivers envelopes through the real consumer code path (dedupe, transaction, handlers)."""

    def __init__(self, ctx, clock) -> None:
        self.ctx, self.clock = ctx, clock
        self.consumer = EventConsumer(
            bootstrap_servers="127.0.0.1:9092",
            group_id=f"test-{uuid.uuid4().hex[:6]}",
            topics=[],
            handlers=build_handlers(ctx),
            session_factory=ctx.session_factory,
            processed_table=ctx.tables["processed_events"],
            dlq_producer=fast_producer("127.0.0.1:9092"),
            max_attempts=1,
        )

    def envelope(self, event, at: datetime | None = None):
        return event.envelope("test", at or self.clock.now())

    def deliver(self, envelope) -> str:
        message = SimpleNamespace(
            topic="test-events",
            partition=0,
            offset=next(_offsets),
            key=b"k",
            value=envelope.to_bytes(),
        )
        return self.consumer.handle_message(message)

    def send(self, event, at: datetime | None = None) -> str:
        return self.deliver(self.envelope(event, at))


@pytest.fixture
def feed(ctx, clock) -> Feeder:
    return Feeder(ctx, clock)


def therapist(therapist_id: int, km_north: float = 1.0, **changes: Any) -> TherapistCreated:
    base = {
        "therapist_id": therapist_id,
        "gender": "female",
        "latitude": AACHEN[0] + km_north / 111.19,
        "longitude": AACHEN[1],
        "offers": [OfferItem(procedure="VT", age_group="adults", setting="individual")],
        "statutory_licence": True,
        "status": "active",
        "has_email": True,
    }
    return TherapistCreated(**{**base, **changes})


def patient(patient_id: int, cls=PatientSearchStarted, **changes: Any):
    base = {
        "patient_id": patient_id,
        "status": "searching",
        "age": 34,
        "gender": "female",
        "postal_code": "52062",
        "latitude": AACHEN[0],
        "longitude": AACHEN[1],
        "location_status": "resolved",
        "insurance_type": "statutory",
        "search_started_at": START - timedelta(days=3),
    }
    return cls(**{**base, **changes})


@pytest.fixture
def builders():
    return SimpleNamespace(therapist=therapist, patient=patient)


def rows(ctx, table: str, **where: Any) -> list[dict[str, Any]]:
    t = ctx.tables[table]
    query = select(t).where(*[t.c[k] == v for k, v in where.items()])
    with ctx.session_factory() as session:
        return [dict(r) for r in session.execute(query.order_by(*t.primary_key)).mappings()]


def outbox(ctx, event_type: str) -> list[dict[str, Any]]:
    return [r["envelope"]["payload"] for r in rows(ctx, "outbox", event_type=event_type)]


@pytest.fixture
def db():
    return SimpleNamespace(rows=rows, outbox=outbox)


@pytest.fixture
def auth():
    def headers(role: str = "staff") -> dict[str, str]:
        token = token_for(Settings(_env_file=None).jwt_secret.get_secret_value(), "t", role)
        return {"Authorization": f"Bearer {token}"}

    return headers
