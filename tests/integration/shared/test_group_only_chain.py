"""`preferences.group_only` from the patient API through the patient event into matching
(issue 16, item 7): a group-only patient is proposed only to therapists offering group therapy
for the patient's age group.

Before the change the patient API refused `group_only` (unknown field), the event dropped it and
matching always read False: the chain test and the PATCH test failed (checked); the refusal of a
contradictory body pins the rule chosen in docs/domain.md."""

from __future__ import annotations

import json
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
from shared.events.therapist import OfferItem, TherapistCreated
from shared.http.auth import issue_token
from shared.kafka.consumer import EventConsumer

pytestmark = pytest.mark.integration
SECRET = "group-only-secret-group-only-secret"
AACHEN = (50.7766, 6.0854)
MATCHING_TABLES = (
    "placement_requests",
    "matching_runs",
    "patients",
    "therapists",
    "exclusions",
    "cooling_periods",
    "outbox",
    "processed_events",
)
PATIENT = {
    "first_name": "Gina",
    "last_name": "Gruppe",
    "gender": "female",
    "birth_date": "1990-05-01",
    "address": {"street": "Lindenallee", "house_number": "3", "postal_code": "52062"}
    | {"city": "Aachen"},
    "email": "gina@example.org",
    "insurance": {"type": "statutory", "insurer": "AOK", "number": "A123456789"},
    "symptoms": ["depressed_mood"],
    "initial_consultation_date": "2026-01-02",
    "preferences": {"procedures": ["VT"], "group_only": True},
    "consent": {"version": "2026-01", "given_at": "2026-01-02T10:00:00+01:00"},
}
STAFF = {"Authorization": f"Bearer {issue_token(SECRET, 'staff-1', 'staff')}"}


class AachenGeocoder:
    def locate(self, address):
        return GeoPoint(AACHEN[0], AACHEN[1], "street", "test")


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
        tables = ", ".join(f"matching_service.{t}" for t in MATCHING_TABLES)
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
    yield SimpleNamespace(ctx=ctx, consumer=consumer, offset=iter(range(1, 1000)))
    ctx.engine.dispose()


def deliver(matching, envelope: dict) -> str:
    value = json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()
    message = SimpleNamespace(
        topic="events", partition=0, offset=next(matching.offset), key=b"k", value=value
    )
    return matching.consumer.handle_message(message)


def outbox(ctx, event_type: str) -> list[dict]:
    table = ctx.tables["outbox"]
    query = select(table.c.envelope).where(table.c.event_type == event_type).order_by(table.c.id)
    with ctx.engine.connect() as conn:
        return list(conn.execute(query).scalars())


def therapist(therapist_id: int, *offers: tuple[str, str]) -> dict:
    event = TherapistCreated(
        therapist_id=therapist_id,
        gender="female",
        latitude=AACHEN[0] + 0.01 * (therapist_id % 7),
        longitude=AACHEN[1],
        offers=[OfferItem(procedure="VT", age_group=a, setting=s) for a, s in offers],
        statutory_licence=True,
        status="active",
        has_email=True,
    )
    return event.envelope("therapist_service", datetime.now(UTC)).to_dict()


def test_a_group_only_patient_is_proposed_only_to_group_offers_for_adults(patients, matching):
    for envelope in (
        therapist(101, ("adults", "individual")),
        therapist(102, ("adults", "group")),
        therapist(103, ("children_adolescents", "group"), ("adults", "individual")),
        therapist(104, ("adults", "individual"), ("adults", "group")),
    ):
        assert deliver(matching, envelope) == "applied"
    client = patients.test_client()
    created = client.post("/api/patients", json=PATIENT, headers=STAFF)
    assert created.status_code == 201, created.json
    assert created.json["preferences"]["group_only"] is True
    assert created.json["preferences"]["group_ok"] is True  # implied
    patient_id = created.json["id"]
    started = client.put(
        f"/api/patients/{patient_id}/status", json={"status": "searching"}, headers=STAFF
    )
    assert started.status_code == 200, started.json

    [event] = [
        e
        for e in outbox(patients.extensions["psymatch"], "patient.search_started")
        if e["payload"]["patient_id"] == patient_id
    ]
    assert event["payload"]["preferences"]["group_only"] is True
    assert deliver(matching, event) == "applied"

    [created_event] = outbox(matching.ctx, "matching.placement_requests_created")
    proposed = sorted(r["therapist_id"] for r in created_event["payload"]["requests"])
    assert proposed == [102, 104]


def test_group_only_with_group_ok_false_in_one_body_is_refused(patients):
    body = {**PATIENT, "preferences": {"group_only": True, "group_ok": False}}
    answer = patients.test_client().post("/api/patients", json=body, headers=STAFF)
    assert answer.status_code == 400, answer.json


def test_a_patch_of_group_ok_false_clears_group_only(patients):
    client = patients.test_client()
    patient = client.post("/api/patients", json=PATIENT, headers=STAFF).json
    changed = client.patch(
        f"/api/patients/{patient['id']}",
        json={"version": patient["version"], "preferences": {"group_ok": False}},
        headers=STAFF,
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["preferences"]["group_ok"] is False
    assert changed.json["preferences"]["group_only"] is False


def test_the_openapi_document_describes_group_only(patients):
    document = patients.test_client().get("/openapi.json").json
    text_of = json.dumps(document)
    assert '"group_only"' in text_of and "implies group_ok" in text_of
