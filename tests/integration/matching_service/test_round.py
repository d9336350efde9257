"""A full round through the database (batched search, chunks saved while the next is chosen,
COPY) creates exactly the requests and events that the plain per-pair domain rules choose."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from matching_service import models as m
from matching_service.domain.profiles import match_context
from matching_service.domain.ranking import patient_priority
from matching_service.domain.selection import plain_picks
from matching_service.services import pipeline, rounds
from matching_service.store.profiles import patient_profile, therapist_profile
from shared.events.matching import PlacementRequestsCreated

from .conftest import AACHEN, START

PROCS, AGES = ("VT", "TP", "AP", "ST"), ("adults", "children_adolescents")
HOURS = [{}, {"mon": ["08:00-12:00"]}, {"tue": ["09:00-10:30"], "thu": ["14:00-18:00"]}]
AVAIL = [{}, {"mon": ["09:00-12:00"]}, {"thu": ["15:00-17:00"]}]


def near_aachen(rng: random.Random) -> tuple[float, float]:
    return AACHEN[0] + rng.uniform(-0.35, 0.35), AACHEN[1] + rng.uniform(-0.5, 0.5)


def therapist_row(rng: random.Random, tid: int) -> dict[str, Any]:
    lat, lon = near_aachen(rng)
    offers = [
        {"procedure": rng.choice(PROCS), "age_group": rng.choice(AGES), "setting": setting}
        for setting in rng.sample(("individual", "group"), rng.randint(1, 2))
    ]
    return {
        "therapist_id": tid,
        "has_profile": rng.random() < 0.97,
        "gender": rng.choice(("female", "male", "diverse")),
        "latitude": lat,
        "longitude": lon,
        "offers": offers,
        "languages": rng.choice(([], [], ["en"], ["en", "tr"])),
        "consultation_hours": rng.choice(HOURS),
        "patient_genders": rng.choice(([], [], ["female"])),
        "statutory_licence": rng.random() < 0.85,
        "barrier_free": rng.random() < 0.4,
        "accepting_new_patients": rng.choice(("yes", "no", "unknown")),
        "capacity_as_of": (START - timedelta(days=rng.randint(0, 60))).date(),
        "age_min": rng.choice((None, None, 18)),
        "age_max": rng.choice((None, None, 65)),
        "prefers_group": rng.random() < 0.1,
        "status": rng.choice(("active",) * 9 + ("blocked",)),
        "cooling_until": rng.choice((None,) * 8 + (START + timedelta(days=3),)),
        "opted_out": rng.random() < 0.03,
        "requests_contacted": rng.randint(0, 10),
        "requests_answered": rng.randint(0, 5),
        "updated_at": START,
    }


def patient_row(rng: random.Random, pid: int) -> dict[str, Any]:
    lat, lon = near_aachen(rng)
    prefs = {
        "procedures": rng.sample(PROCS, rng.randint(0, 2)),
        "therapist_gender": rng.choice(("any", "any", "female")),
        "languages": rng.choice(([], [], ["en"])),
        "group_ok": rng.random() < 0.3,
        "barrier_free": rng.random() < 0.1,
        "max_distance_km": rng.choice((None, 10.0, 25.0)),
        "travel_mode": rng.choice(("car", "public_transport")),
        "max_travel_minutes": rng.choice((None, None, 45)),
    }
    return {
        "patient_id": pid,
        "status": "searching",
        "age": rng.choice((15, 19, 34, 70)),
        "gender": rng.choice(("female", "male")),
        "latitude": lat,
        "longitude": lon,
        "location_status": rng.choice(("resolved",) * 19 + ("unresolved",)),
        "insurance_type": rng.choice(("statutory", "statutory", "private")),
        "preferences": prefs,
        "availability": rng.choice(AVAIL),
        "exclusions": [],
        "complaint_groups": ["mood"],
        "urgent": rng.random() < 0.1,
        "search_started_at": START - timedelta(days=rng.randint(0, 90)),
        "profile_at": START,
        "updated_at": START,
    }


def earlier_requests(rng: random.Random) -> list[dict[str, Any]]:
    """Requests from an earlier run: open ones count against the 10, all are 'already asked'."""
    parts = {"distance": 0.5, "capacity": 0.5, "response_rate": 0.5, "availability": 0.5}
    return [
        {
            "patient_id": pid,
            "therapist_id": tid,
            "status": rng.choice(("proposed", "contacted", "rejected")),
            "score": 0.5,
            "score_parts": parts,
            "distance_km": 1.0,
            "criteria": [],
            "created_at": START - timedelta(days=20),
            "updated_at": START - timedelta(days=20),
        }
        for pid in range(1, 41)
        for tid in rng.sample(range(1, 401), 4)
    ]


def load(ctx, rng: random.Random) -> tuple[list[dict], list[dict], list[dict]]:
    therapists = [therapist_row(rng, tid) for tid in range(1, 401)]
    patients = [patient_row(rng, pid) for pid in range(1, 301)]
    earlier = earlier_requests(rng)
    excluded = [
        {"patient_id": pid, "therapist_id": tid, "reason": "no_show", "created_at": START}
        for pid in range(30, 60)
        for tid in rng.sample(range(1, 401), 3)
    ]
    with ctx.engine.begin() as conn:
        for table, values in (
            (m.therapists, therapists),
            (m.patients, patients),
            (m.placement_requests, earlier),
            (m.exclusions, excluded),
        ):
            conn.execute(insert(table), values)
    return patients, therapists, earlier + excluded


def plain_round(ctx, patients, therapists, known) -> list[tuple]:
    """Every patient in priority order, every therapist, every rule: (patient, therapist,
    score, km) of the requests a round should create, in creation order."""
    mctx = match_context(ctx.rules, START)
    everyone = [therapist_profile(row) for row in therapists]
    rows = []
    for row in patients:
        mine = [k for k in known if k["patient_id"] == row["patient_id"]]
        asked = [k["therapist_id"] for k in mine if "status" in k]
        excluded = [k["therapist_id"] for k in mine if "reason" in k]
        is_open = sum(1 for k in mine if k.get("status") in ("proposed", "contacted"))
        rows.append((patient_profile(row, excluded, asked), 10 - is_open))
    rows.sort(key=lambda item: patient_priority(item[0]))
    return [
        (pk.patient_id, pk.therapist_id, pk.parts.total, pk.distance_km)
        for p, needed in rows
        for pk in plain_picks(p, everyone, mctx, needed)
    ]


@pytest.mark.parametrize("helpers", [0, 2])
def test_a_full_round_creates_what_the_plain_rules_choose(ctx, db, monkeypatch, helpers):
    patients, therapists, known = load(ctx, random.Random(20260302))
    monkeypatch.setattr(pipeline, "FIRST_CHUNK", 30)  # several chunks, saved while choosing
    monkeypatch.setattr(pipeline, "CHUNK_PATIENTS", 70)
    monkeypatch.setattr(pipeline, "LAST_CHUNK", 25)
    monkeypatch.setattr(pipeline, "SEARCH_BATCH", 16)
    monkeypatch.setattr(pipeline, "HELPERS_FROM", 0)  # with helpers, they choose every chunk
    monkeypatch.setattr(
        ctx, "settings", ctx.settings.model_copy(update={"choosing_helpers": helpers})
    )

    run = rounds.run_matching_round(ctx, START)

    made = [r for r in db.rows(ctx, "placement_requests") if r["run_id"] == run["run_id"]]
    expected = plain_round(ctx, patients, therapists, known)
    assert [(r["patient_id"], r["therapist_id"], r["score"], r["distance_km"]) for r in made] == (
        expected
    )
    assert len(expected) > 500 and run["requests_created"] == len(expected)
    created = db.outbox(ctx, PlacementRequestsCreated.event_type)
    events = [PlacementRequestsCreated.model_validate(payload) for payload in created]
    assert [e.part for e in events] == list(range(1, len(events) + 1))
    items = [
        (i.placement_request_id, i.patient_id, i.therapist_id, i.score, i.distance_km)
        for e in events
        for i in e.requests
    ]
    assert items == [
        (r["id"], r["patient_id"], r["therapist_id"], r["score"], r["distance_km"]) for r in made
    ]


def test_a_round_announces_each_patients_requests_in_events_keyed_by_the_patient(ctx, db):
    """Issue 16, item 2: every `placement_requests_created` event carries the requests of one
    patient and is keyed `patient:{id}`, like the cancellation, expiry and placement events, so
    one patient's request events share a partition. Before the change one event carried up to
    200 requests of many patients, keyed `matching_run:{id}` (this test failed; checked)."""
    load(ctx, random.Random(20260302))

    run = rounds.run_matching_round(ctx, START)

    rows = [
        r for r in db.rows(ctx, "outbox") if r["event_type"] == PlacementRequestsCreated.event_type
    ]
    assert len(rows) > 100 and run["requests_created"] > 500  # the COPY path
    seen = set()
    for row in rows:
        event = PlacementRequestsCreated.model_validate(row["envelope"]["payload"])
        assert {item.patient_id for item in event.requests} == {event.patient_id}
        assert row["key"] == event.key() == f"patient:{event.patient_id}"
        assert event.patient_id not in seen  # at most 10 requests: one event per patient
        seen.add(event.patient_id)
