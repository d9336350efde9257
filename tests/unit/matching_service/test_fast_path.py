"""The vectorised fast path chooses exactly what the plain per-pair rules choose."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from matching_service.domain.index import TherapistIndex
from matching_service.domain.profiles import Offer, PatientProfile, TherapistProfile
from matching_service.domain.selection import picks_for, picks_for_many, plain_picks
from matching_service.domain.windows import freeze_windows

PROCS, AGES, SETTINGS = (
    ("VT", "TP", "AP", "ST"),
    ("adults", "children_adolescents"),
    ("individual", "group"),
)
HOURS = [
    {},
    {"mon": ["08:00-12:00"]},
    {"tue": ["09:00-10:30"], "thu": ["14:00-18:00"]},
    {"mon": ["11:00-11:59"]},
    {"fri": ["10:00-13:00"]},
]
AVAIL = [{}, {"mon": ["09:00-12:00"]}, {"tue": ["10:00-11:00"], "fri": ["09:00-12:00"]}]


def random_therapist(rng: random.Random, tid: int, now) -> TherapistProfile:
    offers = tuple(
        Offer(rng.choice(PROCS), rng.choice(AGES), rng.choice(SETTINGS))
        for _ in range(rng.randint(0, 3))
    )
    return TherapistProfile(
        therapist_id=tid,
        latitude=50.0 + rng.uniform(-0.3, 0.3),
        longitude=8.0 + rng.uniform(-0.4, 0.4),
        gender=rng.choice(("female", "male", "diverse")),
        offers=offers,
        languages=frozenset(rng.sample(("en", "tr", "ar"), rng.randint(0, 2))),
        statutory_licence=rng.random() < 0.8,
        barrier_free=rng.random() < 0.4,
        consultation_hours=freeze_windows(rng.choice(HOURS)),
        accepting_new_patients=rng.choice(("yes", "no", "unknown")),
        capacity_as_of=(now - timedelta(days=rng.randint(0, 60))).date(),
        age_min=rng.choice((None, None, 18, 30)),
        age_max=rng.choice((None, None, 65, 20)),
        patient_genders=frozenset(rng.choice(((), (), ("female",), ("male", "diverse")))),
        prefers_group=rng.random() < 0.1,
        status=rng.choice(("active",) * 9 + ("blocked",)),
        opted_out=rng.random() < 0.05,
        cooling_until=rng.choice((None,) * 8 + (now + timedelta(days=3), now - timedelta(days=1))),
        requests_contacted=rng.randint(0, 10),
        requests_answered=rng.randint(0, 5),
    )


def random_patient(rng: random.Random, pid: int, tids: list[int]) -> PatientProfile:
    return PatientProfile(
        patient_id=pid,
        age=rng.choice((None, 15, 17, 18, 20, 21, 40, 70)),
        gender=rng.choice(("female", "male", "diverse")),
        latitude=50.0 + rng.uniform(-0.3, 0.3),
        longitude=8.0 + rng.uniform(-0.4, 0.4),
        insurance_type=rng.choice(("statutory", "private", "self_pay")),
        procedures=frozenset(rng.sample(PROCS, rng.randint(0, 2))),
        therapist_gender=rng.choice(("any", "female", "male")),
        languages=frozenset(rng.sample(("de", "en", "tr"), rng.randint(0, 1))),
        group_ok=rng.random() < 0.4,
        group_only=rng.random() < 0.1,
        barrier_free=rng.random() < 0.2,
        max_distance_km=rng.choice((None, 10.0, 25.0)),
        travel_mode=rng.choice(("car", "public_transport", "bicycle", "walk")),
        max_travel_minutes=rng.choice((None, None, 30, 60)),
        availability=freeze_windows(rng.choice(AVAIL)),
        excluded=frozenset(rng.sample(tids, 3)),
        already_asked=frozenset(rng.sample(tids, 5)),
        location_known=rng.random() < 0.95,
    )


def test_fast_path_and_plain_rules_pick_the_same_requests(ctx):
    rng = random.Random(20260302)
    therapists = [random_therapist(rng, tid, ctx.now) for tid in range(1, 1501)]
    ids = [t.therapist_id for t in therapists]
    index = TherapistIndex(therapists)
    chosen = 0
    for pid in range(1, 301):
        patient, needed = random_patient(rng, pid, ids), rng.randint(1, 10)
        fast = picks_for(patient, index, ctx, needed)
        assert fast == plain_picks(patient, therapists, ctx, needed)
        chosen += len(fast)
    assert chosen > 300  # the data set really exercises the choice


def test_fast_path_follows_updates_of_the_index(ctx):
    rng = random.Random(7)
    therapists = [random_therapist(rng, tid, ctx.now) for tid in range(1, 401)]
    index = TherapistIndex(therapists)
    for i in range(0, 400, 3):  # move, block, reopen and re-rate a third of them
        t = therapists[i]
        therapists[i] = replace(
            t,
            latitude=t.latitude + rng.uniform(-0.3, 0.3),
            status=rng.choice(("active", "blocked")),
            accepting_new_patients=rng.choice(("yes", "no")),
        )
        index.update(therapists[i])
    for pid in range(1, 101):
        patient = random_patient(rng, pid, [t.therapist_id for t in therapists])
        assert picks_for(patient, index, ctx, 10) == plain_picks(patient, therapists, ctx, 10)


def test_a_batch_search_picks_what_the_plain_rules_pick_for_each_patient(ctx):
    rng = random.Random(99)
    therapists = [random_therapist(rng, tid, ctx.now) for tid in range(1, 1201)]
    ids = [t.therapist_id for t in therapists]
    index = TherapistIndex(therapists[:1000])
    for t in therapists[1000:]:  # the unsorted tail is searched by the batch too
        index.update(t)
    patients = [random_patient(rng, pid, ids) for pid in range(1, 401)]
    needed = {p.patient_id: rng.choice((0, 1, 4, 10, 10)) for p in patients}
    for start in (0, 150):  # one batch of 150 patients, one of 250
        batch = patients[start : start + 150 if start == 0 else None]
        expected = [
            pk for p in batch for pk in plain_picks(p, therapists, ctx, needed[p.patient_id])
        ]
        assert picks_for_many(batch, index, ctx, needed) == expected
    assert sum(needed.values()) > 1000


def test_a_batch_search_keeps_patients_who_cannot_match_apart(ctx, patient, therapist, offers):
    index = TherapistIndex([therapist(therapist_id=i, offers=offers("VT")) for i in (1, 2, 3)])
    nowhere = patient(patient_id=2, location_known=False)
    foreign = patient(patient_id=3, languages=frozenset({"xx"}))
    far = patient(patient_id=4, latitude=53.55, longitude=9.99)
    near = patient(patient_id=5, already_asked=frozenset({2}))
    batch = [nowhere, foreign, far, near]
    picks = picks_for_many(batch, index, ctx, dict.fromkeys((2, 3, 4, 5), 10))
    assert [(pk.patient_id, pk.therapist_id) for pk in picks] == [(5, 1), (5, 3)]
